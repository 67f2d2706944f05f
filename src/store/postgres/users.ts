import type { Clock } from "../../clock.ts";
import type { Store, User } from "../types.ts";
import { LOCAL_ADMIN_EMAIL } from "../model/users.ts";
import { pgStatement, type PgDb } from "./pg-db.ts";

/**
 * Users and their logins (signed-in browsers) on PostgreSQL: emails match without case (a unique
 * index on lower(email), as SQLite's COLLATE NOCASE), logins are kept as the SHA-256 of the cookie.
 */
export function createPgUserQueries(db: PgDb, clock: Clock) {
  const stmt = {
    loginUser: pgStatement("users.loginUser", `SELECT u.* FROM logins l JOIN users u ON u.id = l.user_id
      WHERE l.token_hash = $1 AND l.expires_at > $2`),
  };
  const methods = {
    createUser: async (input) => _user(await db.first(`INSERT INTO users (email, password_hash, is_local_admin, created_at)
      VALUES ($1, $2, false, $3) RETURNING *`, [input.email, input.passwordHash, clock.now() / 1000])),
    async findUserByEmail(email) {
      const row = await db.first("SELECT * FROM users WHERE lower(email) = lower($1)", [email]);
      if (!row) return undefined;
      return { user: _user(row), passwordHash: row.password_hash === null ? null : String(row.password_hash) };
    },
    listUsers: async () => (await db.rows("SELECT * FROM users ORDER BY id")).map(_user),
    ensureLocalAdmin: () => db.transaction(async (tx) => {
      // nodes starting together create one local admin, not two
      await tx.run("SELECT pg_advisory_xact_lock(hashtextextended('lighttrace:local-admin', 0))");
      const row = await tx.first("SELECT * FROM users WHERE is_local_admin ORDER BY id LIMIT 1");
      if (row) return _user(row);
      return _user(await tx.first(`INSERT INTO users (email, password_hash, is_local_admin, created_at) VALUES ($1, NULL, true, $2) RETURNING *`,
        [LOCAL_ADMIN_EMAIL, clock.now() / 1000]));
    }),
    createLogin: (input) => db.transaction(async (tx) => {
      await tx.run("DELETE FROM logins WHERE expires_at <= $1", [input.nowSec]);
      await tx.run("INSERT INTO logins (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)", [input.userId, input.tokenHash, input.nowSec, input.expiresAtSec]);
      await tx.run("UPDATE users SET last_login_at = $1 WHERE id = $2", [input.nowSec, input.userId]);
    }),
    async findLoginUser(tokenHash, nowSec) {
      const row = await db.first(stmt.loginUser, [tokenHash, nowSec]);
      return row ? _user(row) : undefined;
    },
    async deleteLogin(tokenHash) {
      await db.run("DELETE FROM logins WHERE token_hash = $1", [tokenHash]);
    },
    async getUser(id) {
      const row = await db.first("SELECT * FROM users WHERE id = $1", [id]);
      return row ? _user(row) : undefined;
    },
    // logins go with the user (ON DELETE CASCADE)
    deleteUser: async (id) => (await db.run("DELETE FROM users WHERE id = $1", [id])) > 0,
    deleteUserLogins: async (userId) => db.run("DELETE FROM logins WHERE user_id = $1", [userId]),
  } satisfies Partial<Store>;
  return methods as Pick<Store, keyof typeof methods>;
}

// --- Internal ---

function _user(r: Record<string, unknown> | undefined): User {
  const row = r!;
  return {
    id: Number(row.id), email: String(row.email), isLocalAdmin: row.is_local_admin === true, createdAtSec: Number(row.created_at),
    lastLoginAtSec: row.last_login_at === null ? null : Number(row.last_login_at),
  };
}
