import type { Clock } from "../../clock.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { NewLogin, User } from "../types.ts";
import { LOCAL_ADMIN_EMAIL } from "../model/users.ts";
import { nextIdSql, rememberDeletedIdSql } from "./never-reused-ids.ts";


/**
 * Users and their logins (signed-in browsers). Passwords arrive already hashed (scrypt,
 * src/api/passwords.ts) and logins are stored only as the SHA-256 of the cookie value, so a copied database holds no
 * working credential. Times are seconds since the epoch, as everywhere in the store.
 */
export function createUserQueries(db: SqliteDatabase, clock: Clock) {
  const stmt = {
    insertUser: db.prepare(`INSERT INTO users (id, email, password_hash, is_local_admin, created_at) VALUES (${nextIdSql("users")}, ?, ?, ?, ?)`),
    userById: db.prepare("SELECT * FROM users WHERE id = ?"),
    userByEmail: db.prepare("SELECT * FROM users WHERE email = ?"),
    localAdmin: db.prepare("SELECT * FROM users WHERE is_local_admin = 1 ORDER BY id LIMIT 1"),
    listUsers: db.prepare("SELECT * FROM users ORDER BY id"),
    touchLogin: db.prepare("UPDATE users SET last_login_at = ? WHERE id = ?"),
    insertLogin: db.prepare("INSERT INTO logins (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)"),
    deleteExpired: db.prepare("DELETE FROM logins WHERE expires_at <= ?"),
    loginUser: db.prepare(`SELECT u.* FROM logins l JOIN users u ON u.id = l.user_id
        WHERE l.token_hash = ? AND l.expires_at > ?`),
    deleteLogin: db.prepare("DELETE FROM logins WHERE token_hash = ?"),
    deleteUserLogins: db.prepare("DELETE FROM logins WHERE user_id = ?"),
    deleteUser: db.prepare("DELETE FROM users WHERE id = ?"),
    rememberDeletedUser: db.prepare(rememberDeletedIdSql("users")),
  };

  const ensureLocalAdmin = db.transaction((nowSec: number): User => {
    const row = stmt.localAdmin.get();
    if (row) return _user(row);
    const id = Number(stmt.insertUser.run(LOCAL_ADMIN_EMAIL, null, 1, nowSec).lastInsertRowid);
    return _user(stmt.userById.get(id));
  });

  const createLogin = db.transaction((input: NewLogin) => {
    stmt.deleteExpired.run(input.nowSec);
    stmt.insertLogin.run(input.userId, input.tokenHash, input.nowSec, input.expiresAtSec);
    stmt.touchLogin.run(input.nowSec, input.userId);
  });

  const deleteUser = db.transaction((id: number): boolean => {
    if (stmt.deleteUser.run(id).changes === 0) return false;
    stmt.rememberDeletedUser.run(id);
    return true;
  });

  return {
    createUser(input: { email: string; passwordHash: string }): User {
      const id = Number(stmt.insertUser.run(input.email, input.passwordHash, 0, clock.now() / 1000).lastInsertRowid);
      return _user(stmt.userById.get(id));
    },
    findUserByEmail(email: string): { user: User; passwordHash: string | null } | undefined {
      const row = stmt.userByEmail.get(email) as Record<string, unknown> | undefined;
      if (!row) return undefined;
      return { user: _user(row), passwordHash: row.password_hash === null ? null : String(row.password_hash) };
    },
    listUsers: (): User[] => stmt.listUsers.all().map(_user),
    ensureLocalAdmin: (): User => ensureLocalAdmin.immediate(clock.now() / 1000),
    createLogin: (input: NewLogin): void => createLogin.immediate(input),
    findLoginUser(tokenHash: string, nowSec: number): User | undefined {
      const row = stmt.loginUser.get(tokenHash, nowSec);
      return row ? _user(row) : undefined;
    },
    deleteLogin: (tokenHash: string): void => void stmt.deleteLogin.run(tokenHash),
    getUser(id: number): User | undefined {
      const row = stmt.userById.get(id);
      return row ? _user(row) : undefined;
    },
    // logins go with the user (ON DELETE CASCADE; foreign keys are on, src/store/sqlite/db.ts)
    deleteUser: (id: number): boolean => deleteUser.immediate(id),
    deleteUserLogins: (userId: number): number => stmt.deleteUserLogins.run(userId).changes,
  };
}

// --- Internal ---

function _user(r: unknown): User {
  const row = r as Record<string, unknown>;
  return {
    id: Number(row.id),
    email: String(row.email),
    isLocalAdmin: row.is_local_admin === 1,
    createdAtSec: Number(row.created_at),
    lastLoginAtSec: row.last_login_at === null ? null : Number(row.last_login_at),
  };
}
