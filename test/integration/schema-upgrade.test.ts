import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { hashApiToken, mintApiToken, tokenHint } from "../../src/api/tokens.ts";
import { DB_FILENAME, openDb } from "../../src/store/sqlite/db.ts";
import { MIGRATIONS } from "../../src/store/sqlite/migrations.ts";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { tempDir, track } from "../_helpers/harness.ts";
import { startTestServer } from "../_helpers/server.ts";
import { runThisFileOnSqlite } from "../_helpers/test-backend.ts";

runThisFileOnSqlite("upgrades a SQLite file made by the first release");

/** Migration 1 as the first release shipped it (events.data was TEXT then). */
const FIRST_SCHEMA = readFileSync(new URL("../fixtures/schema/001-initial-first-release.sql", import.meta.url), "utf8");
/** The scopes the first release gave every token it minted (space-separated in api_tokens.scopes). */
const FIRST_RELEASE_SCOPES = "org:read org:write org:ci project:read project:write project:releases event:read event:write event:admin";
/** The tables of the first schema and the order their rows are compared in. */
const FIRST_TABLES: Record<string, string> = {
  organizations: "id", projects: "id", project_keys: "id", api_tokens: "id", issues: "id", groupings: "id", events: "id",
  issue_users: "issue_id, user_key", issue_tag_values: "issue_id, key, value", issue_hourly_counts: "issue_id, hour",
  releases: "id", item_counts: "project_id, item_type, day",
};
const HOUR_SEC = 3600;

/**
 * An installation made by the first release, with its data, upgraded by this one: every row it
 * held is still there with the same values (times stay REAL seconds, payloads stay readable), the
 * later migrations' backfills happened, and the running server reads it the way the first one did:
 * the old token signs in, issues keep their status and counts, new events join their old issues.
 */
describe("upgrading a database made by the first release", () => {
  it("keeps every row and its meaning, and serves it through the store and the API", async () => {
    const dataDir = join(tempDir("lighttrace-upgrade-"), "data");
    // recent enough that retention keeps it; fractional seconds as SDK timestamps have them
    const baseSec = Math.floor(Date.now() / 1000) - 2 * 86_400 + 0.25;
    const first = _createFirstReleaseDatabase(dataDir, baseSec);
    const before = _snapshot(join(dataDir, DB_FILENAME));

    // 1. the server upgrades it on start (the old token is the way in)
    const t = await startTestServer({}, undefined, { dataDir });
    const api = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(t.localUrl + path, { ...init, headers: { Authorization: `Bearer ${first.token}`, "Content-Type": "application/json" } });
      return { status: res.status, body: await res.json() };
    };

    // 2. nothing the first release wrote was lost or changed (rows compared column by column, before any request)
    const upgraded = _snapshot(join(dataDir, DB_FILENAME));
    expect(upgraded.userVersion).toBe(MIGRATIONS.length);
    expect(upgraded.integrity).toBe("ok");
    expect(upgraded.foreignKeyViolations).toEqual([]);
    for (const table of Object.keys(FIRST_TABLES)) {
      const rowsBefore = before.tables[table]!;
      expect(rowsBefore.length, table).toBeGreaterThan(0);
      // the harness added its own token after the first release's one
      expect(upgraded.tables[table]!, table).toHaveLength(rowsBefore.length + (table === "api_tokens" ? 1 : 0));
      expect(upgraded.tables[table]!.slice(0, rowsBefore.length).map((r) => _pick(r, rowsBefore[0]!)), table).toEqual(rowsBefore);
    }
    const db = new Database(join(dataDir, DB_FILENAME), { readonly: true });
    expect(db.prepare("SELECT issue_id, reason FROM event_pins ORDER BY issue_id").all()).toEqual(first.issueIds.map((id) => ({ issue_id: id, reason: "first" })));
    expect(db.prepare("SELECT value FROM settings WHERE key = 'install_note'").pluck().get()).toBe("kept");
    db.close();

    // 3. through the API: projects, issues with their status, counts and times in seconds
    const projects = await api("/api/0/organizations/lighttrace/projects/");
    expect(projects.status).toBe(200);
    expect(projects.body.map((p: any) => [p.slug, p.platform])).toEqual([["billing", "python"], ["my-project", "node"]]);
    const iso = (sec: number) => new Date(sec * 1000).toISOString();
    const issues = (await api("/api/0/projects/lighttrace/my-project/issues/?query=&sort=date")).body;
    expect(issues.map((i: any) => ({ shortId: i.shortId, title: i.title, status: i.status, count: i.count, userCount: i.userCount, firstSeen: i.firstSeen, lastSeen: i.lastSeen }))).toEqual([
      { shortId: "MY-PROJECT-1", title: "TypeError: x is undefined", status: "unresolved", count: "3", userCount: 2, firstSeen: iso(baseSec), lastSeen: iso(baseSec + 2 * HOUR_SEC + 0.25) },
      { shortId: "MY-PROJECT-2", title: "Payment failed for order", status: "resolved", count: "1", userCount: 0, firstSeen: iso(baseSec + 5000), lastSeen: iso(baseSec + 5000) },
    ]);
    const billing = (await api("/api/0/projects/lighttrace/billing/issues/?query=is:ignored")).body;
    expect(billing.map((i: any) => [i.shortId, i.title, i.status])).toEqual([["BILLING-1", "ZeroDivisionError: division by zero", "ignored"]]);

    // 4. a first-release payload (plain JSON TEXT) reads back as the event it was
    const stored = await api(`/api/0/projects/lighttrace/my-project/events/${first.eventIds[0]}/`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      eventID: first.eventIds[0], groupID: String(first.issueIds[0]), dateCreated: iso(baseSec), dateReceived: iso(baseSec + 0.5),
      tags: expect.arrayContaining([{ key: "team", value: "billing" }, { key: "release", value: "api@1.0.0" }]),
    });
    expect(JSON.stringify(stored.body.entries)).toContain('"function":"checkout"');

    // 5. the later migrations' backfills: organization releases, the default alert rule, pinned first events
    const releases = (await api("/api/0/organizations/lighttrace/releases/")).body;
    expect(releases.map((r: any) => r.version).sort()).toEqual(["api@1.0.0", "api@1.1.0", "billing@2.0"]);
    for (const slug of ["my-project", "billing"]) {
      const rules = (await api(`/api/0/projects/lighttrace/${slug}/rules/`)).body;
      expect(rules.map((r: any) => [r.name, r.isDefault])).toEqual([["New issues and regressions", true]]);
    }

    // 6. new events find their old issues (same grouping keys), and a resolved one regresses
    const sendTo = async (event: Record<string, unknown>) => {
      const res = await fetch(`${t.url}/api/1/envelope/?sentry_key=${first.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(event)) });
      expect(res.status).toBe(200);
    };
    await sendTo(errorEvent({ exception: { values: [{ type: "TypeError", value: "x is undefined", stacktrace: { frames: [{ module: "cart", function: "checkout", in_app: true }] } }] } }));
    await sendTo(errorEvent({ exception: undefined, message: "Payment failed for order", level: "error" }));
    const after = (await api("/api/0/projects/lighttrace/my-project/issues/?query=&sort=date")).body;
    expect(after.map((i: any) => [i.shortId, i.count, i.status, i.substatus])).toEqual(expect.arrayContaining([
      ["MY-PROJECT-1", "4", "unresolved", "new"], // first seen 2 days ago: still new (7 days)
      ["MY-PROJECT-2", "2", "unresolved", "regressed"],
    ]));
    expect(after).toHaveLength(2);
    await t.close();

    // 7. every first-release payload decodes through the store
    const store = track(createSqliteStore(openDb(dataDir, { synchronous: "normal" })));
    for (const [i, eventId] of first.eventIds.entries()) {
      const ev = await store.getEvent(first.eventProjects[i]!, eventId);
      expect(ev?.event, eventId).toMatchObject({ event_id: eventId, timestamp: first.eventTimestampsSec[i] });
      expect(ev?.timestampSec, eventId).toBe(first.eventTimestampsSec[i]);
    }
  });
});

// --- Internal ---

interface FirstReleaseData {
  token: string;
  publicKey: string;
  issueIds: number[];
  eventIds: string[];
  eventProjects: number[];
  eventTimestampsSec: number[];
}

/**
 * Creates `dataDir` as the first release left it: migration 1 only (PRAGMA user_version 1), and
 * data written with the first release's own statements (its ingest writer, projects and issues
 * queries): two projects, a token, three issues (unresolved, resolved, ignored) over five events
 * with users, tags, releases, hourly and item counts.
 */
function _createFirstReleaseDatabase(dataDir: string, baseSec: number): FirstReleaseData {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, DB_FILENAME));
  db.pragma("journal_mode = WAL");
  db.exec(FIRST_SCHEMA);
  db.pragma("user_version = 1");
  const createdSec = baseSec - 30 * 86_400;
  const token = mintApiToken("http://127.0.0.1:8000", "lighttrace", Math.floor(createdSec));
  const publicKey = "0123456789abcdef0123456789abcdef";
  db.transaction(() => {
    db.prepare("INSERT INTO settings (key, value) VALUES (?, ?)").run("public_url", "http://127.0.0.1:8000");
    db.prepare("INSERT INTO settings (key, value) VALUES (?, ?)").run("install_note", "kept");
    db.prepare("INSERT INTO organizations (slug, name, created_at) VALUES (?, ?, ?)").run("lighttrace", "LightTrace", createdSec);
    const project = db.prepare("INSERT INTO projects (organization_id, slug, name, platform, created_at) VALUES (?, ?, ?, ?, ?)");
    project.run(1, "my-project", "My Project", "node", createdSec);
    project.run(1, "billing", "Billing", "python", createdSec + 60);
    const key = db.prepare("INSERT INTO project_keys (project_id, public_key, label, created_at) VALUES (?, ?, ?, ?)");
    key.run(1, publicKey, "Default", createdSec);
    key.run(2, "fedcba9876543210fedcba9876543210", "Default", createdSec + 60);
    db.prepare("INSERT INTO api_tokens (name, token_hash, token_hint, scopes, created_at) VALUES (?, ?, ?, ?, ?)")
      .run("ci", hashApiToken(token), tokenHint(token), FIRST_RELEASE_SCOPES, createdSec + 120);
  })();

  const typeError = (release: string, userId: string, offsetSec: number) => _firstReleaseEvent(baseSec + offsetSec, {
    type: "error", platform: "node", level: "error", release, environment: "production", user: { id: userId },
    exception: { values: [{ type: "TypeError", value: "x is undefined", stacktrace: { frames: [{ module: "cart", function: "checkout", filename: "app/cart.js", lineno: 12, in_app: true }] }, mechanism: { type: "onuncaughtexception", handled: false } }] },
    tags: [["level", "error"], ["environment", "production"], ["release", release], ["user", `id:${userId}`], ["team", "billing"]],
  });
  const events = [
    { projectId: 1, ev: typeError("api@1.0.0", "u1", 0), key: "exception (in-app frames)\nTypeError\n  cart | checkout | -", title: "TypeError: x is undefined", culprit: "checkout(app/cart.js)" },
    { projectId: 1, ev: typeError("api@1.0.0", "u2", HOUR_SEC), key: "exception (in-app frames)\nTypeError\n  cart | checkout | -", title: "TypeError: x is undefined", culprit: "checkout(app/cart.js)" },
    { projectId: 1, ev: typeError("api@1.1.0", "u1", 2 * HOUR_SEC + 0.25), key: "exception (in-app frames)\nTypeError\n  cart | checkout | -", title: "TypeError: x is undefined", culprit: "checkout(app/cart.js)" },
    {
      projectId: 1, key: "message\nPayment failed for order", title: "Payment failed for order", culprit: "",
      ev: _firstReleaseEvent(baseSec + 5000, { type: "default", platform: "node", level: "error", release: "api@1.1.0", environment: "production", logentry: { message: "Payment failed for order" }, tags: [["level", "error"], ["environment", "production"], ["release", "api@1.1.0"]] }),
    },
    {
      projectId: 2, key: "exception (in-app frames)\nZeroDivisionError\n  billing.invoice | split | -", title: "ZeroDivisionError: division by zero", culprit: "billing.invoice in split",
      ev: _firstReleaseEvent(baseSec + 6000, {
        type: "error", platform: "python", level: "error", release: "billing@2.0", environment: "staging",
        exception: { values: [{ type: "ZeroDivisionError", value: "division by zero", stacktrace: { frames: [{ module: "billing.invoice", function: "split", filename: "billing/invoice.py", lineno: 40, in_app: true }] } }] },
        contexts: { trace: { trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", span_id: "00f067aa0ba902b7" } },
        tags: [["level", "error"], ["environment", "staging"], ["release", "billing@2.0"]],
      }),
    },
  ];
  const writer = _firstReleaseWriter(db);
  const issueIds: number[] = [];
  for (const e of events) {
    const issueId = writer.writeEvent(e.projectId, e.ev, e.key, e.title, e.culprit);
    if (!issueIds.includes(issueId)) issueIds.push(issueId);
  }
  db.prepare("INSERT INTO item_counts (project_id, item_type, day, item_count) VALUES (?, ?, ?, ?)").run(1, "event", Math.floor(baseSec / 86_400), 4);
  db.prepare("INSERT INTO item_counts (project_id, item_type, day, item_count) VALUES (?, ?, ?, ?)").run(2, "event", Math.floor(baseSec / 86_400), 1);
  // the first release's setIssueStatus
  const setStatus = db.prepare(`UPDATE issues SET status = @status, status_changed_at = @now,
        substatus = CASE WHEN @status = 'unresolved' THEN 'ongoing' ELSE substatus END WHERE id = @id`);
  setStatus.run({ id: issueIds[1], status: "resolved", now: baseSec + 9000 });
  setStatus.run({ id: issueIds[2], status: "ignored", now: baseSec + 9100 });
  db.close();
  return {
    token, publicKey, issueIds,
    eventIds: events.map((e) => e.ev.event_id as string),
    eventProjects: events.map((e) => e.projectId),
    eventTimestampsSec: events.map((e) => e.ev.timestamp as number),
  };
}

/** An event as the first release stored it (its NormalizedEvent: seconds, tag pairs). */
function _firstReleaseEvent(timestampSec: number, fields: Record<string, unknown>): Record<string, unknown> {
  const eventId = createHash("md5").update(JSON.stringify(fields) + timestampSec).digest("hex");
  return { event_id: eventId, timestamp: timestampSec, received: timestampSec + 0.5, sdk: { name: "sentry.javascript.node", version: "8.0.0" }, ...fields };
}

/** The first release's ingest writer (src/store/ingest-writer.ts at 5c96bd0), its statements verbatim. */
function _firstReleaseWriter(db: Database.Database) {
  const stmt = {
    findGrouping: db.prepare("SELECT issue_id FROM groupings WHERE project_id = ? AND hash = ?").pluck(),
    nextShortId: db.prepare("UPDATE projects SET next_short_id = next_short_id + 1 WHERE id = ? RETURNING next_short_id - 1").pluck(),
    insertIssue: db.prepare(`INSERT INTO issues (project_id, short_id, title, culprit, type, level, platform, metadata, status, substatus,
        is_unhandled, first_seen, last_seen, first_release, last_release, event_count, user_count)
      VALUES (@projectId, @shortId, @title, @culprit, @type, @level, @platform, @metadata, 'unresolved', 'new',
        @isUnhandled, @timestamp, @timestamp, @release, @release, 0, 0)`),
    insertGrouping: db.prepare(`INSERT INTO groupings (project_id, hash, issue_id, grouping_key, mechanism, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`),
    insertEvent: db.prepare(`INSERT INTO events (project_id, issue_id, event_id, timestamp, received_at, level, release, environment,
        user_key, trace_id, title, data)
      VALUES (@projectId, @issueId, @eventId, @timestamp, @receivedAt, @level, @release, @environment, @userKey, @traceId, @title, @json)`),
    addUser: db.prepare("INSERT OR IGNORE INTO issue_users (issue_id, user_key) VALUES (?, ?)"),
    updateIssue: db.prepare(`UPDATE issues SET
        event_count = event_count + 1,
        user_count = user_count + @newUser,
        last_seen = max(last_seen, @timestamp),
        first_seen = min(first_seen, @timestamp),
        last_release = CASE WHEN @timestamp >= last_seen AND @release IS NOT NULL THEN @release ELSE last_release END,
        first_release = coalesce(first_release, @release),
        title = CASE WHEN @timestamp >= last_seen THEN @title ELSE title END,
        culprit = CASE WHEN @timestamp >= last_seen THEN @culprit ELSE culprit END,
        level = CASE WHEN @timestamp >= last_seen THEN @level ELSE level END,
        is_unhandled = max(is_unhandled, @isUnhandled)
      WHERE id = @issueId`),
    upsertTag: db.prepare(`INSERT INTO issue_tag_values (issue_id, key, value, times_seen, first_seen, last_seen) VALUES (?, ?, ?, 1, ?, ?)
      ON CONFLICT (issue_id, key, value) DO UPDATE SET times_seen = times_seen + 1,
        first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`),
    upsertHourly: db.prepare(`INSERT INTO issue_hourly_counts (issue_id, hour, event_count) VALUES (?, ?, 1)
      ON CONFLICT (issue_id, hour) DO UPDATE SET event_count = event_count + 1`),
    upsertRelease: db.prepare(`INSERT INTO releases (project_id, version, first_event, last_event) VALUES (?, ?, ?, ?)
      ON CONFLICT (project_id, version) DO UPDATE SET first_event = min(first_event, excluded.first_event),
        last_event = max(last_event, excluded.last_event)`),
  };
  return {
    writeEvent: (projectId: number, ev: Record<string, any>, groupingKey: string, title: string, culprit: string): number => db.transaction(() => {
      const hash = createHash("md5").update(groupingKey).digest("hex");
      const userKey = ev.user?.id ? `id:${ev.user.id}` : null;
      const isUnhandled = ev.exception?.values?.some((x: any) => x.mechanism?.handled === false) ? 1 : 0;
      const exc = ev.exception?.values?.at(-1);
      const metadata = exc ? { title, type: exc.type, value: exc.value, filename: exc.stacktrace.frames.at(-1).filename, function: exc.stacktrace.frames.at(-1).function } : { title, value: ev.logentry.message };
      let issueId = stmt.findGrouping.get(projectId, hash) as number | undefined;
      if (issueId === undefined) {
        const shortId = stmt.nextShortId.get(projectId) as number;
        issueId = Number(stmt.insertIssue.run({
          projectId, shortId, title, culprit, type: ev.type, level: ev.level, platform: ev.platform, metadata: JSON.stringify(metadata),
          isUnhandled, timestamp: ev.timestamp, release: ev.release ?? null,
        }).lastInsertRowid);
        stmt.insertGrouping.run(projectId, hash, issueId, groupingKey, "lt-v1", ev.received);
      }
      stmt.insertEvent.run({
        projectId, issueId, eventId: ev.event_id, timestamp: ev.timestamp, receivedAt: ev.received, level: ev.level, release: ev.release ?? null,
        environment: ev.environment, userKey, traceId: ev.contexts?.trace?.trace_id ?? null, title, json: JSON.stringify(ev),
      });
      const newUser = userKey ? stmt.addUser.run(issueId, userKey).changes : 0;
      stmt.updateIssue.run({ issueId, newUser, timestamp: ev.timestamp, release: ev.release ?? null, title, culprit, level: ev.level, isUnhandled });
      for (const [k, v] of ev.tags) stmt.upsertTag.run(issueId, k, v, ev.timestamp, ev.timestamp);
      stmt.upsertHourly.run(issueId, Math.floor(ev.timestamp / HOUR_SEC));
      if (ev.release) stmt.upsertRelease.run(projectId, ev.release, ev.timestamp, ev.timestamp);
      return issueId;
    })(),
  };
}

interface Snapshot {
  userVersion: number;
  integrity: string;
  foreignKeyViolations: unknown[];
  tables: Record<string, Record<string, unknown>[]>;
}

/** Every row of the first schema's tables, in a fixed order, with the database's health. */
function _snapshot(file: string): Snapshot {
  const db = new Database(file, { readonly: true });
  try {
    const tables: Snapshot["tables"] = {};
    for (const [table, order] of Object.entries(FIRST_TABLES)) tables[table] = db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all() as Record<string, unknown>[];
    return {
      userVersion: db.pragma("user_version", { simple: true }) as number,
      integrity: db.pragma("integrity_check", { simple: true }) as string,
      foreignKeyViolations: db.pragma("foreign_key_check") as unknown[],
      tables,
    };
  } finally {
    db.close();
  }
}

/** `row` limited to the columns `like` has (later migrations may add columns; the old ones must not change). */
function _pick(row: Record<string, unknown>, like: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(like).map((k) => [k, row[k]]));
}
