import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types.ts";
import { freshDatabasePerTest, STORE_BACKENDS, type TestDatabase } from "./backends.ts";
import { commitOne, committerFor, job, newProject, rawEvent } from "./_ingest.ts";

const NOW_SEC = 1_795_850_000;

/** Conformance: revoking API tokens, deleting users, ending their logins, pruning expired logins (every backend). */
describe.each(STORE_BACKENDS)("tokens, users and logins ($name)", (backend) => {
  let database!: TestDatabase;
  let store!: Store;
  freshDatabasePerTest(backend, async (created) => { database = created; store = await created.open(); });

  it("revokes one API token by id", async () => {
    const kept = await store.createApiToken({ name: "ci", tokenHash: "a".repeat(64), tokenHint: "…aaaaaa", scopes: ["org:read"] });
    const revoked = await store.createApiToken({ name: "leaked", tokenHash: "b".repeat(64), tokenHint: "…bbbbbb", scopes: ["org:admin"] });
    expect(await store.deleteApiToken(revoked.id)).toBe(true);
    expect(await store.findApiTokenByHash("b".repeat(64))).toBeUndefined();
    expect((await store.listApiTokens()).map((t) => t.name)).toEqual(["ci"]);
    expect(await store.findApiTokenByHash("a".repeat(64))).toMatchObject({ id: kept.id, name: "ci" });
    expect(await store.deleteApiToken(revoked.id)).toBe(false);
  });

  it("never gives a deleted user's or token's id to a new one (the activity log names authors by id)", async () => {
    await store.createUser({ email: "ann@example.com", passwordHash: "scrypt$x" });
    const bob = await store.createUser({ email: "bob@example.com", passwordHash: "scrypt$y" });
    expect(await store.deleteUser(bob.id)).toBe(true);
    const carol = await store.createUser({ email: "carol@example.com", passwordHash: "scrypt$z" });
    expect(carol.id).toBeGreaterThan(bob.id);
    expect(await store.getUser(bob.id)).toBeUndefined();
    const newest = await store.createApiToken({ name: "newest", tokenHash: "c".repeat(64), tokenHint: "…cccccc", scopes: ["org:read"] });
    expect(await store.deleteApiToken(newest.id)).toBe(true);
    const next = await store.createApiToken({ name: "next", tokenHash: "d".repeat(64), tokenHint: "…dddddd", scopes: ["org:read"] });
    expect(next.id).toBeGreaterThan(newest.id);
    // a second connection (another process: the CLI beside the server) sees the same rule
    const other = await database.open();
    expect(await other.deleteUser(carol.id)).toBe(true);
    expect((await store.createUser({ email: "dan@example.com", passwordHash: "scrypt$w" })).id).toBeGreaterThan(carol.id);
  });

  it("ends every login of one user, and only theirs", async () => {
    const ann = await store.createUser({ email: "ann@example.com", passwordHash: "scrypt$x" });
    const bob = await store.createUser({ email: "bob@example.com", passwordHash: "scrypt$y" });
    for (const hash of ["ann-1", "ann-2"]) await store.createLogin({ userId: ann.id, tokenHash: hash, nowSec: NOW_SEC, expiresAtSec: NOW_SEC + 3600 });
    await store.createLogin({ userId: bob.id, tokenHash: "bob-1", nowSec: NOW_SEC, expiresAtSec: NOW_SEC + 3600 });
    expect(await store.deleteUserLogins(ann.id)).toBe(2);
    expect(await store.findLoginUser("ann-1", NOW_SEC + 1)).toBeUndefined();
    expect(await store.findLoginUser("ann-2", NOW_SEC + 1)).toBeUndefined();
    expect(await store.findLoginUser("bob-1", NOW_SEC + 1)).toMatchObject({ id: bob.id });
    expect(await store.deleteUserLogins(ann.id)).toBe(0);
    // the user stays and may sign in again
    expect(await store.getUser(ann.id)).toMatchObject({ email: "ann@example.com" });
  });

  it("prunes expired logins when a new one is created", async () => {
    const ann = await store.createUser({ email: "ann@example.com", passwordHash: "scrypt$x" });
    const bob = await store.createUser({ email: "bob@example.com", passwordHash: "scrypt$y" });
    await store.createLogin({ userId: ann.id, tokenHash: "short", nowSec: NOW_SEC, expiresAtSec: NOW_SEC + 10 });
    await store.createLogin({ userId: ann.id, tokenHash: "long", nowSec: NOW_SEC, expiresAtSec: NOW_SEC + 3600 });
    expect(await store.findLoginUser("short", NOW_SEC + 11)).toBeUndefined();
    await store.createLogin({ userId: bob.id, tokenHash: "bob", nowSec: NOW_SEC + 20, expiresAtSec: NOW_SEC + 3600 });
    // only the unexpired login of ann's was left to end
    expect(await store.deleteUserLogins(ann.id)).toBe(1);
  });

  it("deletes a user with their logins", async () => {
    const ann = await store.createUser({ email: "ann@example.com", passwordHash: "scrypt$x" });
    const bob = await store.createUser({ email: "bob@example.com", passwordHash: "scrypt$y" });
    await store.createLogin({ userId: ann.id, tokenHash: "ann-1", nowSec: NOW_SEC, expiresAtSec: NOW_SEC + 3600 });
    await store.createLogin({ userId: bob.id, tokenHash: "bob-1", nowSec: NOW_SEC, expiresAtSec: NOW_SEC + 3600 });
    expect(await store.deleteUser(ann.id)).toBe(true);
    expect(await store.getUser(ann.id)).toBeUndefined();
    expect(await store.findUserByEmail("ann@example.com")).toBeUndefined();
    expect(await store.findLoginUser("ann-1", NOW_SEC + 1)).toBeUndefined();
    expect(await store.deleteUserLogins(ann.id)).toBe(0);
    expect(await store.deleteUser(ann.id)).toBe(false);
    expect((await store.listUsers()).map((u) => u.email)).toEqual(["bob@example.com"]);
    expect(await store.findLoginUser("bob-1", NOW_SEC + 1)).toMatchObject({ id: bob.id });
    // an issue assigned to a deleted user is unassigned, and the activity log keeps who did what
    const projectId = await newProject(store);
    const { issueId } = await commitOne(committerFor(store), await job(store, projectId, [rawEvent("checkout")]));
    const activity = { issueId, projectId, type: "assigned" as const, actor: `user:${bob.id}`, data: {}, createdAtSec: NOW_SEC };
    await store.setIssueAssignee(issueId, { kind: "user", userId: bob.id }, activity);
    expect((await store.issueAssignees([issueId])).get(issueId)).toMatchObject({ kind: "user", userId: bob.id });
    expect(await store.deleteUser(bob.id)).toBe(true);
    expect((await store.issueAssignees([issueId])).get(issueId)).toBeUndefined();
    expect((await store.listIssueActivity(issueId, 10)).map((a) => a.actor)).toContain(`user:${bob.id}`);
    // the address can be used again
    await store.createUser({ email: "ann@example.com", passwordHash: "scrypt$z" });
    expect((await store.findUserByEmail("ann@example.com"))?.passwordHash).toBe("scrypt$z");
  });
});
