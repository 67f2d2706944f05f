import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startChildServer, type ChildServer } from "../_helpers/child-server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { createTestDatabase, type TestPostgresDatabase } from "../_helpers/postgres.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestSmtp, type TestSmtp } from "../_helpers/smtp.ts";

/**
 * Two `lighttrace serve` processes (the built bundle) on one PostgreSQL database, as behind a load
 * balancer: one leader, shared throttles, caches invalidated across nodes, and kill -9 of the
 * leader under load with every acknowledged event kept and every incident alerted once.
 */
describe("two nodes on one PostgreSQL", () => {
  const dirs: string[] = [];
  const nodes: ChildServer[] = [];
  let database: TestPostgresDatabase;
  let smtp: TestSmtp;
  let token: string;
  let envelopePath: string;

  const start = async () => {
    const dir = mkdtempSync(join(tmpdir(), "lighttrace-node-"));
    dirs.push(dir);
    const node = await startChildServer(dir, ["--database", database.url, "--alert-to", "ops@example.com"], {
      LIGHTTRACE_SMTP_URL: smtp.url,
      LIGHTTRACE_LEADER_CHECK_MS: "500",
      LIGHTTRACE_ALERT_HOURLY_CAP: "1000",
      LIGHTTRACE_LOG_LEVEL: "info",
    });
    nodes.push(node);
    return node;
  };
  const isLeader = (node: ChildServer) => node.output().includes("this node is the leader");
  const api = (node: ChildServer, path: string, init: RequestInit = {}) =>
    fetch(node.url + path, { ...init, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...(init.headers ?? {}) } });

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startTestSmtp();
    await start();
    await eventually(async () => (isLeader(nodes[0]!) ? true : undefined));
    await start();
    token = JSON.parse((await runCli(["tokens", "create", "--scope", "admin", "--database", database.url, "--json"])).stdout).token;
    const dsn = new URL(JSON.parse((await runCli(["projects", "list", "--database", database.url, "--json"])).stdout)[0].dsn);
    envelopePath = `/api/${dsn.pathname.slice(1)}/envelope/?sentry_key=${dsn.username}`;
  });
  afterAll(async () => {
    for (const node of nodes) node.child.kill("SIGKILL");
    await smtp?.close();
    await new Promise((r) => setTimeout(r, 300));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  it("elects exactly one leader", async () => {
    await new Promise((r) => setTimeout(r, 1500)); // three election rounds of the second node
    expect(nodes.map(isLeader)).toEqual([true, false]);
  });

  it("counts sign-in attempts across nodes: 10 per email in all, not 10 per node", async () => {
    const [a, b] = nodes as [ChildServer, ChildServer];
    const attempt = (node: ChildServer) => fetch(`${node.url}/api/0/auth/login`, {
      method: "POST", headers: { "Content-Type": "application/json", Origin: node.url },
      body: JSON.stringify({ email: "victim@example.com", password: "wrong password" }),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt(i % 2 === 0 ? a : b)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it("stops a disabled DSN key on every node at once, not after the key cache's minute", async () => {
    const [a, b] = nodes as [ChildServer, ChildServer];
    const keys = await (await api(a, "/api/0/projects/lighttrace/my-project/keys/", { method: "POST", body: JSON.stringify({ name: "short-lived" }) })).json();
    const send = (node: ChildServer) => fetch(`${node.url}/api/${keys.projectId}/envelope/?sentry_key=${keys.public}`, {
      method: "POST", body: new Uint8Array(eventEnvelope(errorEvent({ exception: { values: [{ type: "KeyProbe", value: "x" }] } }))),
    });
    expect((await send(b)).status).toBe(200); // b caches the key as valid
    const disabled = await api(a, `/api/0/projects/lighttrace/my-project/keys/${keys.id}/`, { method: "PUT", body: JSON.stringify({ isActive: false }) });
    expect(disabled.status).toBe(200);
    const refused = await eventually(async () => {
      const status = (await send(b)).status;
      return status === 200 ? undefined : status;
    }, 5_000);
    expect([401, 403]).toContain(refused);
  });

  it("shares the per-minute limit: both nodes together admit the limit, not twice it", async () => {
    const [a, b] = nodes as [ChildServer, ChildServer];
    const created = JSON.parse((await runCli(["projects", "create", "limited", "--database", database.url, "--json"])).stdout);
    const put = await api(a, "/api/0/projects/lighttrace/limited/limits/", { method: "PUT", body: JSON.stringify({ eventsPerMinute: 20 }) });
    expect(put.status).toBe(200);
    const dsn = new URL(created.dsn);
    // one minute window: do not start in its last seconds
    if (new Date().getSeconds() > 40) await new Promise((r) => setTimeout(r, (61 - new Date().getSeconds()) * 1000));
    const send = async (node: ChildServer) => {
      const res = await fetch(`${node.url}/api/${created.id}/envelope/?sentry_key=${dsn.username}`, {
        method: "POST", body: new Uint8Array(eventEnvelope(errorEvent({ exception: { values: [{ type: "Limited", value: "same issue" }] } }))),
      });
      await res.arrayBuffer();
      return res.status;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push(await send(i % 2 === 0 ? a : b));
    const admitted = statuses.filter((s) => s === 200).length;
    // 20, plus at most one over-limit event of the issue per node and minute (the trickle that keeps its counts alive)
    expect(admitted).toBeGreaterThanOrEqual(20);
    expect(admitted).toBeLessThanOrEqual(22);
    expect(statuses.filter((s) => s === 429).length).toBe(60 - admitted);
  });

  it("fires a spike from the events both nodes received, once", async () => {
    const [a, b] = nodes as [ChildServer, ChildServer];
    const created = JSON.parse((await runCli(["projects", "create", "spiky", "--database", database.url, "--json"])).stdout);
    const rule = await runCli(["alerts", "add", "--project", "spiky", "--spike", "20", "--spike-window", "10", "--email", "spikes@example.com", "--database", database.url]);
    expect(rule.code, rule.stderr).toBe(0);
    const dsn = new URL(created.dsn);
    const send = async (node: ChildServer) => {
      const res = await fetch(`${node.url}/api/${created.id}/envelope/?sentry_key=${dsn.username}`, {
        method: "POST", body: new Uint8Array(eventEnvelope(errorEvent({ exception: { values: [{ type: "Spiky", value: "burst" }] } }))),
      });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
    };
    await send(a); // the issue exists before the burst
    // 15 events through each node: neither alone reaches the floor of 20, together they pass it
    for (let i = 0; i < 30; i++) await send(i % 2 === 0 ? a : b);
    const spike = await eventually(async () => smtp.mails.find((m) => m.subject?.includes("Spike") && m.subject.includes("Spiky")), 20_000);
    expect(spike.to).toMatchObject({ text: "spikes@example.com" });
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.mails.filter((m) => m.subject?.includes("Spike") && m.subject.includes("Spiky"))).toHaveLength(1);
  });

  it("counts the users both nodes saw for the users-affected trigger, and mails once", async () => {
    const [a, b] = nodes as [ChildServer, ChildServer];
    const created = JSON.parse((await runCli(["projects", "create", "crowd", "--database", database.url, "--json"])).stdout);
    const rule = await runCli(["alerts", "add", "--project", "crowd", "--users", "6", "--users-window", "10", "--email", "crowd@example.com", "--database", database.url]);
    expect(rule.code, rule.stderr).toBe(0);
    const dsn = new URL(created.dsn);
    const send = async (node: ChildServer, user: string) => {
      const res = await fetch(`${node.url}/api/${created.id}/envelope/?sentry_key=${dsn.username}`, {
        method: "POST", body: new Uint8Array(eventEnvelope(errorEvent({ user: { id: user }, exception: { values: [{ type: "Crowd", value: "many users" }] } }))),
      });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
    };
    await send(a, "user-0"); // the issue exists before the others arrive
    // three more users through each node: neither saw 6, together they saw 7
    for (let i = 1; i <= 6; i++) await send(i % 2 === 0 ? a : b, `user-${i}`);
    const mail = await eventually(async () => smtp.mails.find((m) => m.subject?.includes("Users affected") && m.subject.includes("Crowd")), 20_000);
    expect(mail.to).toMatchObject({ text: "crowd@example.com" });
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.mails.filter((m) => m.subject?.includes("Users affected") && m.subject.includes("Crowd"))).toHaveLength(1);
  });

  it("keeps every acknowledged event and alerts each incident once when the leader is killed mid-load", async () => {
    const [first, second] = nodes as [ChildServer, ChildServer];
    const leader = isLeader(first) ? first : second;
    const survivor = leader === first ? second : first;
    const mailsBefore = smtp.mails.length;
    let leaderDead = false;

    /** Posts to `node`; a refused or cut connection to the dead leader is retried on the survivor (as a load balancer would). */
    const post = async (node: ChildServer, event: Record<string, unknown>): Promise<boolean> => {
      const body = new Uint8Array(eventEnvelope(event));
      for (const target of [node, survivor]) {
        if (target === leader && leaderDead) continue;
        try {
          const res = await fetch(target.url + envelopePath, { method: "POST", body });
          await res.arrayBuffer();
          if (res.status === 200) return true;
          if (target === survivor) return false;
        } catch {
          // the connection to the killed node failed: resend to the survivor
        }
      }
      return false;
    };

    const sent: string[] = [];
    const acknowledged: string[] = [];
    const steady = (n: number) => errorEvent({ exception: { values: [{ type: `Steady${n % 20}`, value: `event ${n}` }] } });
    const incident = (i: number) => errorEvent({ exception: { values: [{ type: `Incident${i}`, value: "first sight" }] } });
    const TOTAL = 1200;
    let next = 0;
    const worker = async (w: number) => {
      while (next < TOTAL) {
        const n = next++;
        const event = steady(n);
        sent.push(event.event_id as string);
        if (await post(w % 2 === 0 ? first : second, event)) acknowledged.push(event.event_id as string);
      }
    };
    /** An incident's first events reach both nodes at the same moment (two SDK processes seeing the same failure). */
    const incidentBurst = async (from: number, to: number) => {
      await Promise.all(Array.from({ length: to - from }, async (_, k) => {
        const i = from + k;
        const [e1, e2] = [incident(i), incident(i)];
        sent.push(e1.event_id as string, e2.event_id as string);
        const acks = await Promise.all([post(first, e1), post(second, e2)]);
        if (acks[0]) acknowledged.push(e1.event_id as string);
        if (acks[1]) acknowledged.push(e2.event_id as string);
      }));
    };

    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    await incidentBurst(0, 10);
    while (acknowledged.length < TOTAL * 0.4) await new Promise((r) => setTimeout(r, 5));
    const exited = new Promise((r) => leader.child.once("exit", r));
    leader.child.kill("SIGKILL");
    leaderDead = true;
    const killedAt = Date.now();
    const tookOver = eventually(async () => (isLeader(survivor) ? Date.now() - killedAt : undefined), 30_000);
    await exited;
    await incidentBurst(10, 20);
    await Promise.all(workers);

    // the survivor takes over the once-only loops within seconds
    expect(await tookOver).toBeLessThan(5_000);

    // every acknowledged event can be read back through the survivor
    expect(acknowledged.length).toBeGreaterThan(TOTAL * 0.9);
    const sentIds = new Set(sent);
    const stored = new Set<string>();
    const missing: string[] = [];
    // the project's events, page by page (sentry-cli's `events list` endpoint), as the survivor answers them
    for (let cursor = ""; ;) {
      const res = await api(survivor, `/api/0/projects/lighttrace/my-project/events/?per_page=100&statsPeriod=1h${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status).toBe(200);
      for (const e of (await res.json()) as { eventID: string }[]) if (sentIds.has(e.eventID)) stored.add(e.eventID);
      const next = /rel="next"; results="true"; cursor="([^"]+)"/.exec(res.headers.get("link") ?? "");
      if (!next) break;
      cursor = next[1]!;
    }
    for (const id of acknowledged) if (!stored.has(id)) missing.push(id);
    expect(missing).toEqual([]);

    // counters equal stored events (an event committed but not answered before the kill counts once: it is stored)
    const issues: { title: string; count: string; id: string }[] = await (await api(survivor, "/api/0/projects/lighttrace/my-project/issues/?query=&limit=100")).json();
    const ours = issues.filter((i) => /^(Steady|Incident)\d+:/.test(i.title));
    expect(ours.reduce((n, i) => n + Number(i.count), 0)).toBe(stored.size);

    // each incident is one issue …
    for (let i = 0; i < 20; i++) expect(ours.filter((issue) => issue.title.startsWith(`Incident${i}:`)), `Incident${i}`).toHaveLength(1);
    expect(ours.filter((issue) => issue.title.startsWith("Steady"))).toHaveLength(20);

    // … and one email (one Message-ID; the same message again only if the kill cut it mid-send), sent after the kill by the survivor
    const expected = ours.length;
    await eventually(async () => (new Set(smtp.mails.slice(mailsBefore).map((m) => m.subject)).size >= expected ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    await smtp.parsed();
    const mails = smtp.mails.slice(mailsBefore);
    for (const issue of ours) {
      const type = issue.title.split(":")[0]!;
      const forIssue = mails.filter((m) => m.subject?.startsWith(`[my-project] New issue: ${type}: `));
      expect(new Set(forIssue.map((m) => m.messageId)).size, issue.title).toBe(1);
    }
    const duplicates = mails.length - new Set(mails.map((m) => m.messageId)).size;
    expect(duplicates).toBeLessThanOrEqual(8); // at most the deliveries in flight (one per lane) when the leader died
  }, 240_000);
});
