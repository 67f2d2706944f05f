import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { User } from "./types.ts";

/** The local admin's address: not a mailbox, just a name no password login can use. */
export const LOCAL_ADMIN_EMAIL = "local-admin@localhost";

/**
 * Users and browser sessions. Passwords arrive already hashed (scrypt, src/api/passwords.ts) and
 * sessions are stored only as the SHA-256 of the cookie value, so a copied database holds no
 * working credential. Times are seconds since the epoch, as everywhere in the store.
 */
export function createUserQueries(db: SqliteDatabase) {
  const stmt = {
    insertUser: db.prepare("INSERT INTO users (email, password_hash, is_local_admin, created_at) VALUES (?, ?, ?, ?)"),
    userById: db.prepare("SELECT * FROM users WHERE id = ?"),
    userByEmail: db.prepare("SELECT * FROM users WHERE email = ?"),
    localAdmin: db.prepare("SELECT * FROM users WHERE is_local_admin = 1 ORDER BY id LIMIT 1"),
    listUsers: db.prepare("SELECT * FROM users ORDER BY id"),
    touchLogin: db.prepare("UPDATE users SET last_login_at = ? WHERE id = ?"),
    insertSession: db.prepare("INSERT INTO sessions (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)"),
    deleteExpired: db.prepare("DELETE FROM sessions WHERE expires_at <= ?"),
    sessionUser: db.prepare(`SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ? AND s.expires_at > ?`),
    deleteSession: db.prepare("DELETE FROM sessions WHERE token_hash = ?"),
  };

  const ensureLocalAdmin = db.transaction((now: number): User => {
    const row = stmt.localAdmin.get();
    if (row) return _user(row);
    const id = Number(stmt.insertUser.run(LOCAL_ADMIN_EMAIL, null, 1, now).lastInsertRowid);
    return _user(stmt.userById.get(id));
  });

  const createSession = db.transaction((input: { userId: number; tokenHash: string; now: number; expiresAt: number }) => {
    stmt.deleteExpired.run(input.now);
    stmt.insertSession.run(input.userId, input.tokenHash, input.now, input.expiresAt);
    stmt.touchLogin.run(input.now, input.userId);
  });

  return {
    createUser(input: { email: string; passwordHash: string }): User {
      const id = Number(stmt.insertUser.run(input.email, input.passwordHash, 0, Date.now() / 1000).lastInsertRowid);
      return _user(stmt.userById.get(id));
    },
    findUserByEmail(email: string): { user: User; passwordHash: string | null } | undefined {
      const row = stmt.userByEmail.get(email) as Record<string, unknown> | undefined;
      if (!row) return undefined;
      return { user: _user(row), passwordHash: row.password_hash === null ? null : String(row.password_hash) };
    },
    listUsers: (): User[] => stmt.listUsers.all().map(_user),
    ensureLocalAdmin: (): User => ensureLocalAdmin.immediate(Date.now() / 1000),
    createSession: (input: { userId: number; tokenHash: string; now: number; expiresAt: number }): void => createSession.immediate(input),
    findSessionUser(tokenHash: string, now: number): User | undefined {
      const row = stmt.sessionUser.get(tokenHash, now);
      return row ? _user(row) : undefined;
    },
    deleteSession: (tokenHash: string): void => void stmt.deleteSession.run(tokenHash),
  };
}

// --- Internal ---

function _user(r: unknown): User {
  const row = r as Record<string, unknown>;
  return {
    id: Number(row.id),
    email: String(row.email),
    isLocalAdmin: row.is_local_admin === 1,
    createdAt: Number(row.created_at),
    lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
  };
}
