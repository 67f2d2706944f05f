import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { hashPassword } from "../../src/api/passwords.ts";

const PASSWORD = "correct horse battery";

/**
 * The sign-in brake counts an attempt before the password is checked, so guesses sent in parallel
 * are counted like guesses sent one by one: 10 per email and 50 per client address per 15 minutes.
 */
describe("login throttle under parallel guesses", () => {
  let t: TestServer;
  const signIn = (email: string, password: string) =>
    fetch(`${t.localUrl}/api/0/auth/login/`, { method: "POST", headers: { "Content-Type": "application/json", Origin: t.localUrl }, body: JSON.stringify({ email, password }) });

  beforeAll(async () => {
    t = await startTestServer({ host: "0.0.0.0" });
    await t.server.store.createUser({ email: "ops@example.com", passwordHash: await hashPassword(PASSWORD) });
  });
  afterAll(async () => {
    await t.close();
  });

  it("checks only 10 of 100 parallel guesses for one email and refuses the rest", async () => {
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => signIn("target@example.com", `guess-${i}`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(90);
  }, 60_000);

  it("lets the right password in without counting it, and keeps counting the client address", async () => {
    for (let i = 0; i < 3; i++) expect((await signIn("ops@example.com", PASSWORD)).status).toBe(200);
    // the address has used 10 guesses above (the refused ones were never checked); 40 more are allowed
    const statuses = await Promise.all(Array.from({ length: 45 }, (_, i) => signIn(`sprayed-${i}@example.com`, "guess").then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(40);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    // a successful sign-in does not reset the address's count
    const blocked = await signIn("ops@example.com", PASSWORD);
    expect(blocked.status).toBe(429);
    expect((await blocked.json()).detail).toMatch(/^Too many failed sign-ins; try again in \d+ s\.$/);
  }, 120_000); // 43 scrypt checks (32 MiB each, four at a time)
});
