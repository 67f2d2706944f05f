import { describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { runCli, startChildServer } from "../_helpers/child-server.ts";
import { tempDir } from "../_helpers/harness.ts";

describe("durability", () => {
  it("keeps every acknowledged event across kill -9", async () => {
    const dataDir = tempDir("lighttrace-durability-");
    let server = await startChildServer(dataDir);
    const projects = JSON.parse((await runCli(["projects", "list", "--data", dataDir, "--json"])).stdout);
    const dsn = new URL(projects[0].dsn);
    const envelopeUrl = `${server.url}/api/${dsn.pathname.slice(1)}/envelope/?sentry_key=${dsn.username}`;

    // 16 concurrent senders; the server is killed while requests are in flight
    const acknowledged: string[] = [];
    let killed = false;
    const sender = async (worker: number) => {
      for (let i = 0; !killed; i++) {
        const ev = errorEvent({ exception: { values: [{ type: "KillTest", value: `attempt ${worker * 100000 + i}` }] } });
        try {
          const res = await fetch(envelopeUrl, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
          if (res.status === 200) acknowledged.push(ev.event_id as string);
          await res.arrayBuffer();
        } catch {
          return; // connection reset by the kill: not acknowledged
        }
      }
    };
    const senders = Array.from({ length: 16 }, (_, w) => sender(w));
    while (acknowledged.length < 400) await new Promise((r) => setTimeout(r, 5));
    const exited = server.stop("SIGKILL");
    killed = true;
    await Promise.all(senders);
    await exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);

    server = await startChildServer(dataDir);
    const token = JSON.parse((await runCli(["tokens", "create", "--data", dataDir, "--json"])).stdout).token;
    const issues = await (await fetch(`${server.url}/api/0/projects/lighttrace/my-project/issues/?query=KillTest`, {
      headers: { Authorization: `Bearer ${token}` },
    })).json();
    expect(issues).toHaveLength(1);
    // every acknowledged event is there (the count may be higher: some were committed but their answer was cut)
    expect(Number(issues[0].count)).toBeGreaterThanOrEqual(acknowledged.length);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const res = await fetch(`${server.url}/api/0/projects/lighttrace/my-project/events/${id}/`, { headers: { Authorization: `Bearer ${token}` } });
      if (res.status !== 200) missing.push(id);
      await res.arrayBuffer();
    }
    expect(missing).toEqual([]);
    expect(await server.stop("SIGTERM")).toBe(0);
  });
});
