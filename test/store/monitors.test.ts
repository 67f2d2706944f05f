import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types.ts";
import { parseCheckIn } from "../../src/monitors/check-in.ts";
import { MonitorProcessor } from "../../src/process/monitor-checkins.ts";
import { createLogger } from "../../src/logger.ts";
import type { IngestJob } from "../../src/process/types.ts";
import { commit, committerFor, newProject } from "./_ingest.ts";
import { STORE_BACKENDS, type TestDatabase } from "./backends.ts";

/** 2026-09-01T03:00:00Z, a Tuesday */
const T0 = Date.UTC(2026, 8, 1, 3, 0, 0);
const MIN = 60_000;

/** Conformance: cron monitors through their processor (decisions in src/monitors/, persistence in each store). */
describe.each(STORE_BACKENDS)("cron monitors ($name)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let projectId: number;
  let processor: MonitorProcessor;
  let guids: number;
  beforeEach(async () => {
    database = await backend.create();
    store = await database.open();
    projectId = await newProject(store);
    guids = 0;
    processor = _processor(store, () => (++guids).toString(16).padStart(32, "a"));
  });
  afterEach(() => database.destroy());

  const send = (body: Record<string, unknown>, atMs: number) => processor.ingest(projectId, [parseCheckIn({ monitor_slug: "nightly", ...body })], atMs);
  const hourly = { schedule: { type: "crontab", value: "0 * * * *" }, checkin_margin: 5, max_runtime: 10 };

  it("creates a monitor from monitor_config, opens and closes a check-in by id, and expects the next run", async () => {
    await send({ check_in_id: "a460c25f-f255-4577-b920-fcfacae4e5eb", status: "in_progress", monitor_config: hourly, release: "api@1", contexts: { trace: { trace_id: "8f431b7aa08441bbbd5a0100fd91f9fe" } } }, T0 + 12_000);
    const monitor = (await store.monitors.getMonitor(projectId, "nightly"))!;
    expect(monitor).toMatchObject({ slug: "nightly", name: "nightly", status: "active", isMuted: false });
    expect(monitor.config).toEqual({ schedule: { type: "crontab", value: "0 * * * *" }, checkinMarginMin: 5, maxRuntimeMin: 10, timezone: "UTC", failureIssueThreshold: 1, recoveryThreshold: 1, owner: null });
    const open = (await store.monitors.findCheckIn(monitor.id, "a460c25ff2554577b920fcfacae4e5eb"))!;
    expect(open).toMatchObject({ status: "in_progress", environment: "production", release: "api@1", traceId: "8f431b7aa08441bbbd5a0100fd91f9fe", timeoutAtSec: (T0 + 10 * MIN) / 1000 });
    await send({ check_in_id: "a460c25ff2554577b920fcfacae4e5eb", status: "ok", duration: 12.84 }, T0 + 25_000);
    const closed = (await store.monitors.findCheckIn(monitor.id, "a460c25ff2554577b920fcfacae4e5eb"))!;
    expect(closed).toMatchObject({ status: "ok", durationMs: 12_840, createdAtSec: (T0 + 12_000) / 1000 });
    const env = (await store.monitors.getMonitorEnvironment(monitor.id, "production"))!;
    expect(env).toMatchObject({ status: "ok", nextCheckInSec: (T0 + 60 * MIN) / 1000, nextCheckInLatestSec: (T0 + 65 * MIN) / 1000, lastOkSec: (T0 + 12_000) / 1000 });
    // a second terminal status for the same id is a processing error, not a change
    await send({ check_in_id: "a460c25ff2554577b920fcfacae4e5eb", status: "error" }, T0 + 30_000);
    expect((await store.monitors.findCheckIn(monitor.id, "a460c25ff2554577b920fcfacae4e5eb"))!.status).toBe("ok");
    expect((await store.monitors.listProcessingErrors(projectId, 10)).map((e) => e.type)).toEqual(["checkin_finished"]);
  });

  it("closes the latest open check-in of the environment when the closing id is nil or absent", async () => {
    await send({ status: "in_progress", monitor_config: hourly, environment: "staging" }, T0);
    await send({ status: "in_progress", environment: "staging" }, T0 + 1000);
    await send({ status: "in_progress" }, T0 + 2000); // production: another environment
    await send({ check_in_id: "00000000-0000-0000-0000-000000000000", status: "error", environment: "staging" }, T0 + 5000);
    const monitor = (await store.monitors.getMonitor(projectId, "nightly"))!;
    const list = await store.monitors.listCheckIns(monitor.id, { limit: 10, offset: 0 });
    expect(list.map((c) => [c.environment, c.status, c.durationMs])).toEqual([["production", "in_progress", null], ["staging", "error", 4000], ["staging", "in_progress", null]]);
    await send({ status: "ok", environment: "staging" }, T0 + 6000);
    expect((await store.monitors.listCheckIns(monitor.id, { environment: "staging", limit: 10, offset: 0 })).map((c) => c.status)).toEqual(["error", "ok"]);
  });

  it("takes a run's end that overtook its start (SDKs send both at once): the end waits briefly for the start that creates the monitor, a late start changes nothing", async () => {
    const end = send({ check_in_id: "2".repeat(32), status: "ok", duration: 3 }, T0 + 5000);
    await new Promise((r) => setTimeout(r, 30));
    await send({ check_in_id: "2".repeat(32), status: "in_progress", monitor_config: hourly }, T0 + 1000);
    await end;
    const monitor = (await store.monitors.getMonitor(projectId, "nightly"))!;
    await send({ check_in_id: "3".repeat(32), status: "error", duration: 1 }, T0 + 9000);
    await send({ check_in_id: "3".repeat(32), status: "in_progress" }, T0 + 8000);
    expect((await store.monitors.listCheckIns(monitor.id, { limit: 10, offset: 0 })).map((c) => [c.guid[0], c.status, c.durationMs])).toEqual([["3", "error", 1000], ["2", "ok", 3000]]);
    expect(await store.monitors.listProcessingErrors(projectId, 10)).toEqual([]);
  });

  it("records a check-in for an unknown slug without a config as a processing error and stores nothing", async () => {
    await send({ status: "ok" }, T0);
    expect(await store.monitors.listMonitors([projectId])).toEqual([]);
    const [error] = await store.monitors.listProcessingErrors(projectId, 10);
    expect(error).toMatchObject({ type: "monitor_not_found", monitorSlug: "nightly", checkIn: { monitorSlug: "nightly", status: "ok" } });
    expect(error!.detail).toContain("no monitor \"nightly\"");
  });

  it("marks missed runs on the tick, opens one incident at the failure threshold, adds further failures to its issue and resolves it on recovery", async () => {
    await send({ status: "ok", monitor_config: { ...hourly, failure_issue_threshold: 2, recovery_threshold: 1 } }, T0);
    const monitor = (await store.monitors.getMonitor(projectId, "nightly"))!;
    expect(await processor.tick(T0 + 64 * MIN)).toMatchObject({ missed: 0 }); // within the margin
    expect(await processor.tick(T0 + 65 * MIN)).toMatchObject({ missed: 1, failureEvents: 0 }); // one failure: under the threshold
    let env = (await store.monitors.getMonitorEnvironment(monitor.id, "production"))!;
    expect(env).toMatchObject({ status: "ok", nextCheckInSec: (T0 + 120 * MIN) / 1000 });
    expect(await processor.tick(T0 + 125 * MIN)).toMatchObject({ missed: 1, failureEvents: 1 });
    env = (await store.monitors.getMonitorEnvironment(monitor.id, "production"))!;
    expect(env.status).toBe("error");
    const incident = (await store.monitors.getOpenIncident(env.id))!;
    expect(incident.issueId).not.toBeNull();
    const issue = (await store.getIssue(incident.issueId!))!;
    expect(issue).toMatchObject({ title: "Monitor failure: nightly", status: "unresolved", level: "error", eventCount: 1 });
    expect(await store.monitors.incidentByIssue(issue.id)).toMatchObject({ id: incident.id });
    const [event] = await store.listIssueEvents(issue.id, { offset: 0, limit: 1, newestFirst: true });
    expect(event!.event.contexts!.monitor).toMatchObject({ "Failure reason": "A missed check-in was detected", Environment: "production", "Last successful check-in": new Date(T0).toISOString() });
    expect(event!.event.tags).toContainEqual(["monitor.slug", "nightly"]);
    // the new-issue rule mails it once, as a monitor failure
    const outbox = await store.alerts.listOutbox(projectId, 10);
    expect(outbox.map((o) => [o.trigger, o.issueId])).toEqual([["monitor_failure", issue.id]]);
    // a further failure adds to the same issue, no new alert
    await send({ status: "error" }, T0 + 126 * MIN);
    expect((await store.getIssue(issue.id))!.eventCount).toBe(2);
    expect(await store.alerts.listOutbox(projectId, 10)).toHaveLength(1);
    // recovery: one ok resolves the incident and its issue, and mails once
    await send({ status: "ok" }, T0 + 180 * MIN);
    env = (await store.monitors.getMonitorEnvironment(monitor.id, "production"))!;
    expect(env.status).toBe("ok");
    expect(await store.monitors.getOpenIncident(env.id)).toBeUndefined();
    expect((await store.getIssue(issue.id))!.status).toBe("resolved");
    expect((await store.alerts.listOutbox(projectId, 10)).map((o) => o.trigger)).toEqual(["monitor_recovery", "monitor_failure"]);
    await send({ status: "ok" }, T0 + 181 * MIN);
    expect(await store.alerts.listOutbox(projectId, 10)).toHaveLength(2);
  });

  it("assigns a new incident's issue to the monitor's owner (a team by slug, or an email)", async () => {
    const org = (await store.getOrganization())!;
    const team = (await store.createTeam({ organizationId: org.id, slug: "ops", name: "Ops", nowSec: T0 / 1000 }))!;
    await send({ status: "error", monitor_config: { ...hourly, owner: "team:ops" } }, T0);
    await processor.ingest(projectId, [parseCheckIn({ monitor_slug: "other", status: "error", monitor_config: { ...hourly, owner: "user:Dana@Example.com" } })], T0);
    const issueOf = async (slug: string) => {
      const monitor = (await store.monitors.getMonitor(projectId, slug))!;
      const env = (await store.monitors.getMonitorEnvironment(monitor.id, "production"))!;
      return (await store.monitors.getOpenIncident(env.id))!.issueId!;
    };
    const [teamIssue, emailIssue] = [await issueOf("nightly"), await issueOf("other")];
    const assignees = await store.issueAssignees([teamIssue, emailIssue]);
    expect(assignees.get(teamIssue)).toMatchObject({ kind: "team", teamId: team.id });
    expect(assignees.get(emailIssue)).toMatchObject({ kind: "email", email: "dana@example.com" });
  });

  it("times out an in-progress check-in past max_runtime, unless a newer run finished", async () => {
    await send({ check_in_id: "1".repeat(32), status: "in_progress", monitor_config: { ...hourly, schedule: { type: "interval", value: 1, unit: "day" } } }, T0 + 30_000);
    expect(await processor.tick(T0 + 9 * MIN)).toMatchObject({ timeouts: 0 });
    expect(await processor.tick(T0 + 10 * MIN)).toMatchObject({ timeouts: 1, failureEvents: 1 });
    const monitor = (await store.monitors.getMonitor(projectId, "nightly"))!;
    expect((await store.monitors.findCheckIn(monitor.id, "1".repeat(32)))!.status).toBe("timeout");
    const env = (await store.monitors.getMonitorEnvironment(monitor.id, "production"))!;
    const issue = (await store.getIssue((await store.monitors.getOpenIncident(env.id))!.issueId!))!;
    const [event] = await store.listIssueEvents(issue.id, { offset: 0, limit: 1, newestFirst: true });
    expect(event!.event.contexts!.monitor!["Failure reason"]).toBe("A timeout check-in was detected");
    // closing it late changes nothing: it is finished
    await send({ check_in_id: "1".repeat(32), status: "ok" }, T0 + 11 * MIN);
    expect((await store.monitors.findCheckIn(monitor.id, "1".repeat(32)))!.status).toBe("timeout");
  });

  it("marks a run due while LightTrace was down as unknown, without a failure", async () => {
    await send({ status: "ok", monitor_config: hourly }, T0);
    expect(await processor.tick(T0 + 70 * MIN, (from, to) => from <= (T0 + 70 * MIN) / 1000 && to >= (T0 + 30 * MIN) / 1000)).toMatchObject({ missed: 0, unknown: 1, failureEvents: 0 });
    const monitor = (await store.monitors.getMonitor(projectId, "nightly"))!;
    expect((await store.monitors.listCheckIns(monitor.id, { limit: 5, offset: 0 })).map((c) => [c.status, c.expectedAtSec])).toEqual([["unknown", (T0 + 60 * MIN) / 1000], ["ok", null]]);
    expect((await store.monitors.getMonitorEnvironment(monitor.id, "production"))!.status).toBe("ok");
  });

  it("expects a 02:30 Europe/Berlin job at 03:00 on the night the clocks spring forward, and marks it missed only after that", async () => {
    const daily = { schedule: { type: "crontab", value: "30 2 * * *" }, timezone: "Europe/Berlin", checkin_margin: 10 };
    // Saturday 2026-03-28 02:30 CET = 01:30 UTC; Sunday 02:30 does not exist (02:00 → 03:00 CEST = 01:00 UTC)
    await send({ status: "ok", monitor_config: daily }, Date.UTC(2026, 2, 28, 1, 30, 20));
    const monitor = (await store.monitors.getMonitor(projectId, "nightly"))!;
    let env = (await store.monitors.getMonitorEnvironment(monitor.id, "production"))!;
    expect(new Date(env.nextCheckInSec! * 1000).toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(await processor.tick(Date.UTC(2026, 2, 29, 1, 9, 0))).toMatchObject({ missed: 0 });
    expect(await processor.tick(Date.UTC(2026, 2, 29, 1, 10, 0))).toMatchObject({ missed: 1 });
    env = (await store.monitors.getMonitorEnvironment(monitor.id, "production"))!;
    // the next run is Monday 02:30 CEST = 00:30 UTC
    expect(new Date(env.nextCheckInSec! * 1000).toISOString()).toBe("2026-03-30T00:30:00.000Z");
    const [missed] = await store.monitors.listCheckIns(monitor.id, { limit: 1, offset: 0 });
    expect(missed).toMatchObject({ status: "missed", expectedAtSec: Date.UTC(2026, 2, 29, 1, 0, 0) / 1000 });
  });

  it("counts an interval from the last run and marks a long outage of runs as one missed check-in", async () => {
    await send({ status: "ok", monitor_config: { schedule: { type: "interval", value: 10, unit: "minute" }, checkin_margin: 2 } }, T0 + 30_000);
    const monitor = (await store.monitors.getMonitor(projectId, "nightly"))!;
    expect((await store.monitors.getMonitorEnvironment(monitor.id, "production"))!.nextCheckInSec).toBe((T0 + 10 * MIN) / 1000);
    // the first tick after 55 minutes without check-ins: one missed run, the next expected after the latest due time
    expect(await processor.tick(T0 + 55 * MIN)).toMatchObject({ missed: 1 });
    expect((await store.monitors.getMonitorEnvironment(monitor.id, "production"))!.nextCheckInSec).toBe((T0 + 60 * MIN) / 1000);
    expect(await processor.tick(T0 + 56 * MIN)).toMatchObject({ missed: 0 });
  });

  it("refuses a change planned on a stale version (another node wrote first)", async () => {
    await send({ status: "ok", monitor_config: hourly }, T0);
    const monitor = (await store.monitors.getMonitor(projectId, "nightly"))!;
    const env = (await store.monitors.getMonitorEnvironment(monitor.id, "production"))!;
    const other = await database.open();
    const change = {
      monitorId: monitor.id, projectId, environment: { kind: "existing" as const, id: env.id, expectedVersion: env.version },
      state: { status: "ok" as const, lastCheckInSec: 1, nextCheckInSec: 2, nextCheckInLatestSec: 3, lastOkSec: 1 },
      checkIn: null, incident: null, occurrences: [], resolveIssue: null, outbox: [],
    };
    expect(await other.monitors.applyMonitorChange(change)).toMatchObject({ committed: true });
    expect(await store.monitors.applyMonitorChange(change)).toEqual({ committed: false });
    expect(await store.monitors.applyMonitorChange({ ...change, environment: { kind: "new", name: "production", createdAtSec: 1 } })).toEqual({ committed: false });
    expect((await store.monitors.getMonitorEnvironment(monitor.id, "production"))!.version).toBe(env.version + 1);
  });

  it("updates, mutes, lists and deletes monitors with their environments and check-ins", async () => {
    await send({ status: "ok", monitor_config: hourly }, T0);
    await send({ status: "ok", environment: "staging" }, T0);
    const monitor = (await store.monitors.getMonitor(projectId, "nightly"))!;
    const updated = (await store.monitors.updateMonitor(monitor.id, { name: "Nightly report", isMuted: true }, T0 / 1000 + 5))!;
    expect(updated).toMatchObject({ name: "Nightly report", isMuted: true, updatedAtSec: T0 / 1000 + 5 });
    // an SDK upsert changes the config and keeps the name
    await send({ status: "ok", monitor_config: { schedule: { type: "interval", value: 2, unit: "hour" } } }, T0 + MIN);
    expect((await store.monitors.getMonitor(projectId, "nightly"))!).toMatchObject({ name: "Nightly report", config: { schedule: { type: "interval", value: 2, unit: "hour" } } });
    expect((await store.monitors.listMonitorEnvironments([monitor.id])).map((e) => e.environment)).toEqual(["production", "staging"]);
    expect(await store.monitors.setMonitorEnvironmentMuted(monitor.id, "staging", true)).toBe(true);
    expect((await store.monitors.getMonitorEnvironment(monitor.id, "staging"))!.isMuted).toBe(true);
    expect(await store.monitors.deleteMonitorEnvironment(monitor.id, "staging")).toBe(true);
    expect((await store.monitors.listCheckIns(monitor.id, { limit: 10, offset: 0 })).map((c) => c.environment)).toEqual(["production", "production"]);
    expect(await store.monitors.deleteMonitor(monitor.id)).toBe(true);
    expect(await store.monitors.listMonitors()).toEqual([]);
    expect(await store.monitors.deleteMonitor(monitor.id)).toBe(false);
  });
});

// --- Internal ---

function _processor(store: Store, newGuid: () => string): MonitorProcessor {
  const committer = committerFor(store);
  return new MonitorProcessor({
    store, logger: createLogger("error", () => undefined), ids: { newGuid },
    submitEvents: async (job: IngestJob) => {
      for (const ev of job.events) if (typeof ev.payload === "string") ev.payload = await store.encodeEventPayload(ev.payload);
      return (await commit(committer, [job]))[0]!;
    },
  });
}
