import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startChildServer, type ChildServer } from "../_helpers/child-server.ts";

const PASSWORD = "correct horse battery";

/** `lighttrace tokens revoke`, `users delete` and `users sign-out` against a running server's data directory. */
describe("lighttrace CLI: revoking tokens, deleting users, signing users out", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-accounts-cli-"));
  let server: ChildServer;
  const signIn = async (email: string) => {
    const res = await fetch(`${server.url}/api/0/auth/login/`, {
      method: "POST", headers: { "Content-Type": "application/json", Origin: server.url }, body: JSON.stringify({ email, password: PASSWORD }),
    });
    return { status: res.status, cookie: res.headers.get("set-cookie")?.split(";")[0] ?? "" };
  };
  const organizations = (headers: Record<string, string>) => fetch(`${server.url}/api/0/organizations/`, { headers }).then((r) => r.status);

  beforeAll(async () => {
    server = await startChildServer(dataDir);
    for (const email of ["ann@example.com", "bob@example.com"]) {
      expect((await runCli(["users", "create", email, "--password", PASSWORD, "--data", dataDir])).code).toBe(0);
    }
  });
  afterAll(() => {
    server?.child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("revokes a token by id: its next request is refused", async () => {
    const created = JSON.parse((await runCli(["tokens", "create", "--name", "leaked", "--data", dataDir, "--json"])).stdout);
    const bearer = { Authorization: `Bearer ${created.token}` };
    expect(await organizations(bearer)).toBe(200);
    const revoked = await runCli(["tokens", "revoke", String(created.id), "--data", dataDir]);
    expect([revoked.code, revoked.stdout, revoked.stderr]).toEqual([0, `Revoked API token ${created.id} (leaked, …${created.token.slice(-6)}).\n`, ""]);
    expect(await organizations(bearer)).toBe(401);
    const twice = await runCli(["tokens", "revoke", String(created.id), "--data", dataDir]);
    expect([twice.code, twice.stderr]).toEqual([1, `error: no API token with id ${created.id} (lighttrace tokens list shows them)\n`]);
    const bad = await runCli(["tokens", "revoke", "leaked", "--data", dataDir]);
    expect([bad.code, bad.stderr]).toEqual([1, 'error: invalid token id "leaked": the number lighttrace tokens list shows\n']);
    expect(JSON.parse((await runCli(["tokens", "list", "--data", dataDir, "--json"])).stdout)).toEqual([]);
  });

  it("signs a user out of every browser, keeping the account", async () => {
    const first = (await signIn("ann@example.com")).cookie;
    const second = (await signIn("ann@example.com")).cookie;
    const bob = (await signIn("bob@example.com")).cookie;
    expect(await organizations({ Cookie: first })).toBe(200);
    const out = await runCli(["users", "sign-out", "ANN@example.com", "--data", dataDir, "--json"]);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ id: expect.any(Number), email: "ann@example.com", endedLogins: 2 });
    expect(await organizations({ Cookie: first })).toBe(401);
    expect(await organizations({ Cookie: second })).toBe(401);
    expect(await organizations({ Cookie: bob })).toBe(200);
    expect((await signIn("ann@example.com")).status).toBe(200);
  });

  it("deletes a user by email or id: signed out, and the password no longer works; never the local admin", async () => {
    const cookie = (await signIn("ann@example.com")).cookie;
    expect(await organizations({ Cookie: cookie })).toBe(200);
    const deleted = await runCli(["users", "delete", "ann@example.com", "--data", dataDir]);
    expect([deleted.code, deleted.stderr]).toEqual([0, ""]);
    expect(deleted.stdout).toMatch(/^Deleted user ann@example\.com \(id \d+\) and signed out their browsers\.\n$/);
    expect(await organizations({ Cookie: cookie })).toBe(401);
    expect((await signIn("ann@example.com")).status).toBe(401);
    const missing = await runCli(["users", "delete", "ann@example.com", "--data", dataDir]);
    expect([missing.code, missing.stderr]).toEqual([1, 'error: no user "ann@example.com" (lighttrace users list shows them)\n']);

    const bob = JSON.parse((await runCli(["users", "list", "--data", dataDir, "--json"])).stdout).find((u: { email: string }) => u.email === "bob@example.com");
    expect((await runCli(["users", "delete", String(bob.id), "--data", dataDir, "--json"])).stdout).toBe(`${JSON.stringify({ id: bob.id, email: "bob@example.com", deleted: true }, null, 2)}\n`);

    const local = await fetch(`${server.url}/api/0/auth/login/local/`, { method: "POST", headers: { Origin: server.url } });
    expect(local.status).toBe(200);
    const refused = await runCli(["users", "delete", "local-admin@localhost", "--data", dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: cannot delete local-admin@localhost: the local admin is the passwordless user of automatic sign-in on loopback/);
    const signedOut = await runCli(["users", "sign-out", "local-admin@localhost", "--data", dataDir]);
    expect([signedOut.code, signedOut.stdout]).toEqual([0, "Signed local-admin@localhost out of 1 browser.\n"]);
    expect(await organizations({ Cookie: local.headers.get("set-cookie")!.split(";")[0]! })).toBe(401);
  });
});
