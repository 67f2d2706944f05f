import { z } from "zod";
import { toIsoString } from "../events/timestamps.ts";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../api/passwords.ts";
import { deleteUserAccount, endUserLogins, findUserByRef } from "../api/auth-accounts.ts";
import { InvalidInputError } from "../errors.ts";
import { fail, print } from "./output.ts";
import { withCliStore } from "./store-access.ts";

const EMAIL = z.string().trim().toLowerCase().email("not an email address").max(254);

const createFlags = z.object({
  password: z.string().optional(),
  data: z.string().optional(),
  json: z.boolean().optional(),
});

/**
 * `lighttrace users create <email> [--password <pw>]`: a user who can sign in to the web UI when
 * the server listens on a non-loopback address. Without --password the password is the first line
 * of stdin (so it stays out of shell history: `printf '%s\n' "$PW" | lighttrace users create …`).
 */
export async function runUsersCreate(email: string, rawFlags: unknown): Promise<void> {
  const address = EMAIL.safeParse(email);
  if (!address.success) fail(`invalid email "${email}": ${address.error.issues[0]!.message}`);
  const flags = createFlags.safeParse(rawFlags);
  if (!flags.success) fail(`invalid --${String(flags.error.issues[0]!.path[0])}: ${flags.error.issues[0]!.message}`);
  const password = flags.data.password ?? (await _readFirstLine(process.stdin));
  if (password === undefined) fail("no password: pass --password or write it to stdin");
  if (password.length < MIN_PASSWORD_LENGTH) fail(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  await withCliStore(flags.data.data, async ({ store }) => {
    if (await store.findUserByEmail(address.data)) fail(`a user with email "${address.data}" already exists`);
    const user = await store.createUser({ email: address.data, passwordHash: await hashPassword(password) });
    print(flags.data.json, { id: user.id, email: user.email }, () => [`Created user ${user.email} (id ${user.id}).`]);
  });
}

/** `lighttrace users list` */
export async function runUsersList(flags: { data?: string; json?: boolean }): Promise<void> {
  await withCliStore(flags.data, async ({ store }) => {
    const rows = (await store.listUsers()).map((u) => ({
      id: u.id, email: u.email, localAdmin: u.isLocalAdmin, createdAt: toIsoString(u.createdAtSec), lastLoginAt: u.lastLoginAtSec ? toIsoString(u.lastLoginAtSec) : null,
    }));
    print(flags.json, rows, () => (rows.length ? rows.map((r) => `${String(r.id).padStart(4)}  ${r.email.padEnd(32)} last login ${r.lastLoginAt ?? "never"}`) : ["No users yet."]));
  });
}

/** `lighttrace users delete <email|id>`: deletes the user; every browser they are signed in with is signed out. */
export async function runUsersDelete(ref: string, flags: { data?: string; json?: boolean }): Promise<void> {
  await withCliStore(flags.data, async ({ store }) => {
    const user = await findUserByRef(store, ref);
    if (!user) fail(`no user "${ref}" (lighttrace users list shows them)`);
    try {
      if (!(await deleteUserAccount(store, user))) fail(`no user "${ref}" (lighttrace users list shows them)`);
    } catch (err) {
      if (err instanceof InvalidInputError) fail(`cannot delete ${user.email}: ${err.message}`);
      throw err;
    }
    print(flags.json, { id: user.id, email: user.email, deleted: true }, () => [`Deleted user ${user.email} (id ${user.id}) and signed out their browsers.`]);
  });
}

/** `lighttrace users sign-out <email|id>`: ends every login of the user (the account and password stay). */
export async function runUsersSignOut(ref: string, flags: { data?: string; json?: boolean }): Promise<void> {
  await withCliStore(flags.data, async ({ store }) => {
    const user = await findUserByRef(store, ref);
    if (!user) fail(`no user "${ref}" (lighttrace users list shows them)`);
    const endedLogins = await endUserLogins(store, user);
    print(flags.json, { id: user.id, email: user.email, endedLogins }, () => [`Signed ${user.email} out of ${endedLogins} browser${endedLogins === 1 ? "" : "s"}.`]);
  });
}

// --- Internal ---

async function _readFirstLine(stream: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string | undefined> {
  if (stream.isTTY) process.stderr.write("Password: ");
  let text = "";
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.includes("\n") || text.length > 4096) break;
  }
  const line = text.split(/\r?\n/)[0];
  return line ? line : undefined;
}
