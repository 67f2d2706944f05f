import { InvalidInputError } from "../errors.ts";
import type { Store, User } from "../store/types.ts";

/**
 * Managing who can get in, for the CLI (`lighttrace users …`) and the admin API alike: users are
 * named by email or id, deleting one ends their logins with them, and the local admin is never
 * deleted (see LocalAdminNotDeletableError).
 */

/** The local admin signs browsers in on loopback; deleting it would not keep anyone out. */
export class LocalAdminNotDeletableError extends InvalidInputError {
  override name = "LocalAdminNotDeletableError";
  constructor() {
    super("the local admin is the passwordless user of automatic sign-in on loopback and comes back at the next one: "
      + "end its logins instead (lighttrace users sign-out local-admin@localhost, DELETE /api/0/users/{id}/logins/) "
      + "and turn automatic sign-in off with serve --no-open-local");
  }
}

/** A user by email (any case) or numeric id; undefined when there is none. */
export async function findUserByRef(store: Store, ref: string): Promise<User | undefined> {
  const trimmed = ref.trim();
  if (/^\d{1,15}$/.test(trimmed)) return store.getUser(Number(trimmed));
  return (await store.findUserByEmail(trimmed.toLowerCase()))?.user;
}

/** Deletes a user; every browser they are signed in with is signed out in the same statement. */
export async function deleteUserAccount(store: Store, user: User): Promise<boolean> {
  if (user.isLocalAdmin) throw new LocalAdminNotDeletableError();
  return store.deleteUser(user.id);
}

/** Signs a user out everywhere (their password stays); how many logins ended. */
export function endUserLogins(store: Store, user: User): Promise<number> {
  return store.deleteUserLogins(user.id);
}
