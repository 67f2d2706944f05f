import type { IssueDelta, PlannedEvent, PlannedIssue, WritePlan } from "../store/write-plan.ts";
import { usageMonth } from "./quota.ts";
import type { GroupingResolution, PlacedEvent } from "./resolve-groupings.ts";
import type { IngestJob } from "./types.ts";

/**
 * Everything of a plan but its alerts: the event rows, and every counter summed per distinct key
 * over the batch (issue counts, users, first/last seen and release, tags, hourly counts, releases,
 * release hours, regressions per release, monthly usage, item counts, SDK-side drops), plus the
 * sessions and spans of each job. The result is what writing the events one by one would have
 * left, in one upsert per key. Pure.
 */
export function aggregateCounters(jobs: readonly IngestJob[], resolution: GroupingResolution, reopening: ReadonlyMap<number, PlacedEvent>): Omit<WritePlan, "alerts"> {
  const reopeningEvents = new Set([...reopening.values()].map((p) => p.event));
  const issues: PlannedIssue[] = resolution.slots.map((slot, i): PlannedIssue => {
    const base = { projectId: slot.projectId, ..._emptyDelta() };
    if (slot.kind === "new") {
      const ev = slot.opening;
      return { ...base, kind: "new", initial: { type: ev.type, platform: ev.platform, title: ev.title, culprit: ev.culprit, level: ev.level,
        metadata: ev.metadata, isUnhandled: ev.isUnhandled, timestampSec: ev.timestampSec, release: ev.release ?? null } };
    }
    const reopen = reopening.get(i);
    return { ...base, kind: "existing", issueId: slot.state.issueId, regression: reopen ? { atSec: reopen.event.receivedAtSec } : null,
      expected: { status: slot.state.status, statusChangedAtSec: slot.state.statusChangedAtSec } };
  });
  const users = issues.map(() => new Set<string>());
  const latestAt = issues.map(() => Number.NEGATIVE_INFINITY);
  const events: PlannedEvent[] = [];
  const tags = new _Sums<{ issue: number; key: string; value: string; count: number; firstSeenSec: number; lastSeenSec: number }>();
  const hours = new _Sums<{ issue: number; hour: number; count: number }>();
  const releases = new _Sums<{ projectId: number; version: string; firstEventSec: number; lastEventSec: number }>();
  const releaseHours = new _Sums<{ projectId: number; release: string; environment: string; hour: number; count: number }>();
  const usage = new _Sums<{ projectId: number; month: number; acceptedEvents: number }>();
  const itemCounts = new _Sums<{ projectId: number; itemType: string; day: number; count: number }>();
  const outcomes = new _Sums<WritePlan["outcomes"][number]>();
  const plan: Omit<WritePlan, "alerts"> = {
    issues, groupings: resolution.claims, events, tagValues: [], hourlyCounts: [], releases: [], releaseHourlyEvents: [], releaseRegressions: [],
    usage: [], itemCounts: [], outcomes: [], sessions: [], traces: [],
  };

  jobs.forEach((job, j) => {
    let accepted = 0;
    for (const placed of resolution.placements[j]!) {
      if (!placed) continue;
      accepted++;
      const { event: ev, issue: i } = placed;
      const ts = ev.timestampSec;
      const issue = issues[i]!;
      const release = ev.release ?? null;
      // 1. the issue's delta: as each event's UPDATE would have left it, in order
      issue.eventCount++;
      if (ev.userKey) users[i]!.add(ev.userKey);
      issue.firstSeenSec = Math.min(issue.firstSeenSec, ts);
      issue.lastSeenSec = Math.max(issue.lastSeenSec, ts);
      if (ts >= latestAt[i]!) {
        latestAt[i] = ts;
        issue.latest = { title: ev.title, culprit: ev.culprit, level: ev.level, metadata: ev.metadata };
        if (release) issue.lastRelease = { release, atSec: ts };
      }
      issue.firstRelease ??= release;
      issue.isUnhandled ||= ev.isUnhandled;
      // 2. the event row, pinned when it opens or reopens its issue (retention keeps those)
      const reopens = reopeningEvents.has(ev);
      events.push({
        projectId: job.projectId, issue: i, eventId: ev.eventId, timestampSec: ts, receivedAtSec: ev.receivedAtSec, level: ev.level, release,
        environment: ev.environment, userKey: ev.userKey ?? null, traceId: ev.traceId ?? null, title: ev.title,
        payload: ev.payload, pin: placed.opensIssue ? "first" : reopens ? "regression" : null,
      });
      // 3. per-key counters
      for (const [key, value] of ev.tags) {
        const t = tags.at(`${i}\0${key}\0${value}`, () => ({ issue: i, key, value, count: 0, firstSeenSec: ts, lastSeenSec: ts }));
        t.count++;
        t.firstSeenSec = Math.min(t.firstSeenSec, ts);
        t.lastSeenSec = Math.max(t.lastSeenSec, ts);
      }
      const hour = Math.floor(ts / 3600);
      hours.at(`${i}\0${hour}`, () => ({ issue: i, hour, count: 0 })).count++;
      if (release) {
        const r = releases.at(`${job.projectId}\0${release}`, () => ({ projectId: job.projectId, version: release, firstEventSec: ts, lastEventSec: ts }));
        r.firstEventSec = Math.min(r.firstEventSec, ts);
        r.lastEventSec = Math.max(r.lastEventSec, ts);
        releaseHours.at(`${job.projectId}\0${release}\0${ev.environment}\0${hour}`,
          () => ({ projectId: job.projectId, release, environment: ev.environment, hour, count: 0 })).count++;
        if (reopens) plan.releaseRegressions.push({ projectId: job.projectId, release, issue: i, regressedAtSec: ev.receivedAtSec });
      }
    }
    // 4. the job's own counts: accepted events for the monthly quota, unprocessed items, SDK drops
    const day = Math.floor(job.receivedAtMs / 86_400_000);
    if (accepted > 0) {
      const month = usageMonth(job.receivedAtMs);
      usage.at(`${job.projectId}\0${month}`, () => ({ projectId: job.projectId, month, acceptedEvents: 0 })).acceptedEvents += accepted;
    }
    for (const [itemType, count] of job.itemCounts) {
      itemCounts.at(`${job.projectId}\0${itemType}\0${day}`, () => ({ projectId: job.projectId, itemType, day, count: 0 })).count += count;
    }
    for (const d of job.clientDiscards ?? []) {
      outcomes.at(`${job.projectId}\0${day}\0${d.reason}\0${d.category}`, () => ({
        projectId: job.projectId, day, outcome: "client_discard" as const, reason: d.reason, category: d.category, quantity: 0,
      })).quantity += d.quantity;
    }
    if (job.sessions?.length || job.sessionAggregates?.length) {
      plan.sessions.push({ projectId: job.projectId, updates: job.sessions ?? [], aggregates: job.sessionAggregates ?? [], receivedAtMs: job.receivedAtMs });
    }
    if (job.traces?.length) plan.traces.push({ projectId: job.projectId, segments: job.traces, receivedAtMs: job.receivedAtMs });
  });

  issues.forEach((issue, i) => (issue.userKeys = [...users[i]!]));
  plan.tagValues = tags.values();
  plan.hourlyCounts = hours.values();
  plan.releases = releases.values();
  plan.releaseHourlyEvents = releaseHours.values();
  plan.usage = usage.values();
  plan.itemCounts = itemCounts.values();
  plan.outcomes = outcomes.values();
  return plan;
}

// --- Internal ---

function _emptyDelta(): Omit<IssueDelta, "projectId"> {
  return {
    eventCount: 0, userKeys: [], firstSeenSec: Number.POSITIVE_INFINITY, lastSeenSec: Number.NEGATIVE_INFINITY,
    latest: { title: "", culprit: "", level: "", metadata: {} as IssueDelta["latest"]["metadata"] }, lastRelease: null, firstRelease: null, isUnhandled: false, hotUntilSec: 0,
  };
}

/** Rows by key, created on first use (a store that needs a lock order sorts them by their stored keys). */
class _Sums<T> {
  private readonly rows = new Map<string, T>();

  at(key: string, create: () => T): T {
    let row = this.rows.get(key);
    if (row === undefined) this.rows.set(key, row = create());
    return row;
  }

  values(): T[] {
    return [...this.rows.values()];
  }
}
