import { randomUUID } from "node:crypto";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/types.ts";
import type { MonitorChange, StoredCheckIn, StoredMonitor } from "../store/model/monitors.ts";
import type { ParsedCheckIn } from "../monitors/check-in.ts";
import { MAX_LOOKBACK, planMissed, planReportedCheckIn, planTimeout, type EnvironmentView, type Ids } from "../monitors/decide.ts";
import { actionKey } from "../alert-rules/rule-schema.ts";
import { matchesFilters } from "../alerts/rules.ts";
import { normalizeEvent } from "../events/normalize.ts";
import { DEFAULT_GROUPING_CONFIG } from "../grouping/mechanisms.ts";
import { prepareEvent } from "./prepare-event.ts";
import { resolveMonitorOwner } from "./monitor-owner.ts";
import type { EventOutcome, IngestJob } from "./types.ts";

export interface MonitorProcessorDeps {
  store: Store;
  logger: Logger;
  /** stores a monitor failure event through the ingest queue (issues, alert rules) */
  submitEvents: (job: IngestJob) => Promise<EventOutcome[]>;
  /** recovery alerts were put in the outbox: send them */
  onAlertsEnqueued?: () => void;
  ids?: Ids;
}

/** What one clock tick did. */
export interface TickResult { missed: number; unknown: number; timeouts: number; failureEvents: number }

/** Planning on fresh reads is retried this often when another writer changed the environment first. */
const MAX_ATTEMPTS = 5;
/** How long a check-in for a slug with no monitor (and no config) waits for a concurrent start to create it: 1.5 s in all. */
const UNKNOWN_MONITOR_WAITS_MS = [100, 400, 1000];
/** Work per tick and kind, so one tick stays short; the rest is picked up by the next. */
const TICK_BATCH = 500;

/**
 * Applies check-ins and clock ticks to monitors: reads an environment's state, has src/monitors/
 * decide the change, and has the store persist it under a version guard (planned again when
 * another writer was first). Failure events of an incident are stored afterwards through the
 * ingest queue (an issue per incident, alert rules as for any new issue); they wait in the store
 * until then, so a crash in between only delays them to the next tick.
 */
export class MonitorProcessor {
  private readonly deps: MonitorProcessorDeps;
  private readonly ids: Ids;
  private flushing: Promise<number> | undefined;

  constructor(deps: MonitorProcessorDeps) {
    this.deps = deps;
    this.ids = deps.ids ?? { newGuid: () => randomUUID().replace(/-/g, "") };
  }

  /** Applies check-ins that arrived together (an envelope, the HTTP endpoint), in order. */
  async ingest(projectId: number, checkIns: readonly ParsedCheckIn[], receivedAtMs: number, raw?: readonly unknown[]): Promise<void> {
    let failures = false;
    for (const [i, checkIn] of checkIns.entries()) {
      failures = (await this.processCheckIn(projectId, checkIn, receivedAtMs, raw?.[i])) || failures;
    }
    if (failures) await this.flushFailureEvents(receivedAtMs);
  }

  /** One check-in; true when it recorded failure events to store. */
  async processCheckIn(projectId: number, p: ParsedCheckIn, receivedAtMs: number, raw?: unknown): Promise<boolean> {
    const { store } = this.deps;
    const nowSec = receivedAtMs / 1000;
    // 1. the monitor: upserted from the config, or it must exist (Sentry: MONITOR_NOT_FOUND)
    let monitor = await store.monitors.getMonitor(projectId, p.monitorSlug);
    if (p.config) {
      monitor = await store.monitors.upsertMonitor({ projectId, slug: p.monitorSlug, name: monitor?.name ?? p.monitorSlug, config: p.config }, monitor?.guid ?? this.ids.newGuid(), nowSec);
    } else if (!monitor) {
      // SDKs send a run's start (with the config) and its end in separate requests at once; the end
      // may overtake the start here (Relay keeps them in order by routing key). Give the start a moment.
      for (const waitMs of UNKNOWN_MONITOR_WAITS_MS) {
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        monitor = await store.monitors.getMonitor(projectId, p.monitorSlug);
        if (monitor) break;
      }
      if (!monitor) {
        await this._refuse(projectId, p, raw, nowSec, "monitor_not_found", `no monitor "${p.monitorSlug}" in this project, and the check-in has no monitor_config to create it`);
        return false;
      }
    }
    // 2. plan on fresh reads, persist under the environment's version, again on conflict
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const view = await this._view(monitor, p.environment);
      const existing = p.checkInId !== null
        ? await store.monitors.findCheckIn(monitor.id, p.checkInId)
        : p.status !== "in_progress" && view.env ? await store.monitors.latestOpenCheckIn(view.env.id) : undefined;
      const planned = planReportedCheckIn(view, p, existing, nowSec, this.ids);
      if (planned === null) return false;
      if ("type" in planned) {
        await this._refuse(projectId, p, raw, nowSec, planned.type, planned.detail);
        return false;
      }
      await this._addRecoveryAlerts(monitor, p.environment, view, planned, nowSec);
      const result = await store.monitors.applyMonitorChange(planned);
      if (result.committed) {
        if (result.outboxRowsInserted > 0) this.deps.onAlertsEnqueued?.();
        return planned.occurrences.length > 0;
      }
    }
    throw new Error(`check-in for monitor "${p.monitorSlug}" conflicted with other writers ${MAX_ATTEMPTS} times`);
  }

  /**
   * The clock: marks in-progress check-ins past their max runtime as timeouts and environments
   * whose latest expected time passed as missed (`unknown` when `wasDown` says LightTrace was not
   * running when the check-in was due), then stores pending failure events.
   */
  async tick(nowMs: number, wasDown: (fromSec: number, toSec: number) => boolean = () => false): Promise<TickResult> {
    const { store } = this.deps;
    const nowSec = nowMs / 1000;
    const result: TickResult = { missed: 0, unknown: 0, timeouts: 0, failureEvents: 0 };
    for (const checkIn of await store.monitors.dueTimeouts(nowSec, TICK_BATCH)) {
      const monitor = await store.monitors.getMonitorById(checkIn.monitorId);
      if (!monitor) continue;
      const newer = await store.monitors.hasFinishedCheckInAfter(checkIn.monitorEnvironmentId, checkIn.createdAtSec);
      if (await this._applyGuarded(monitor, checkIn.environment, nowSec, (view) => planTimeout(view, checkIn, nowSec, newer, this.ids), checkIn)) result.timeouts++;
    }
    for (const env of await store.monitors.dueMissedEnvironments(nowSec, TICK_BATCH)) {
      const monitor = await store.monitors.getMonitorById(env.monitorId);
      if (!monitor) continue;
      const asUnknown = wasDown(env.nextCheckInSec ?? env.nextCheckInLatestSec!, env.nextCheckInLatestSec!);
      const applied = await this._applyGuarded(monitor, env.environment, nowSec, (view) => {
        // another writer (a check-in) may have moved the deadline since the list was read
        if (!view.env || view.env.nextCheckInLatestSec === null || view.env.nextCheckInLatestSec > nowSec) return null;
        return planMissed(view, nowSec, asUnknown, this.ids);
      });
      if (applied) result[asUnknown ? "unknown" : "missed"]++;
    }
    result.failureEvents = await this.flushFailureEvents(nowMs);
    return result;
  }

  /** Stores pending monitor failure events in their incidents' issues (one flush at a time). */
  flushFailureEvents(nowMs: number): Promise<number> {
    this.flushing ??= this._flush(nowMs).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  // --- Internal ---

  private async _flush(nowMs: number): Promise<number> {
    const { store } = this.deps;
    let stored = 0;
    for (const o of await store.monitors.pendingOccurrences(100)) {
      const event = normalizeEvent(JSON.parse(o.event), { receivedAtMs: nowMs, newEventId: () => o.eventId });
      const prepared = { ...prepareEvent(event, DEFAULT_GROUPING_CONFIG), alertAs: "monitor_failure" as const };
      const { event: _source, ...forQueue } = prepared;
      const [outcome] = await this.deps.submitEvents({ projectId: o.projectId, events: [forQueue], itemCounts: new Map(), receivedAtMs: nowMs });
      let issueId = outcome?.issueId ?? 0;
      // stored before (a flush cut short by a crash): the event names its issue
      if (!issueId) issueId = (await store.getEvent(o.projectId, o.eventId))?.issueId ?? 0;
      if (issueId) {
        await store.monitors.markOccurrenceSent(o.id, issueId, nowMs / 1000);
        stored++;
        if (outcome?.isNewIssue) await this._assignToOwner(o.projectId, o.incidentId, issueId, nowMs / 1000);
      }
    }
    return stored;
  }

  /** A new incident's issue goes to the monitor's owner (as Sentry assigns it), unless someone assigned it already. */
  private async _assignToOwner(projectId: number, incidentId: number, issueId: number, nowSec: number): Promise<void> {
    const { store } = this.deps;
    try {
      const incident = await store.monitors.incidentByIssue(issueId);
      const monitor = incident?.id === incidentId ? await store.monitors.getMonitorById(incident.monitorId) : undefined;
      const owner = monitor?.config.owner;
      const assignee = owner ? await resolveMonitorOwner(store, owner) : undefined;
      if (!assignee) return;
      await store.assignIssueIfNeverAssigned(issueId, assignee.ref, { issueId, projectId, type: "assigned", actor: null, data: assignee.data, createdAtSec: nowSec });
    } catch (err) {
      // the incident stands without an assignee
      this.deps.logger.warn("could not assign a monitor incident's issue to the monitor's owner", { issueId, error: err });
    }
  }

  private async _view(monitor: StoredMonitor, environment: string): Promise<EnvironmentView> {
    const { store } = this.deps;
    const env = await store.monitors.getMonitorEnvironment(monitor.id, environment);
    const lookback = Math.min(MAX_LOOKBACK, Math.max(monitor.config.failureIssueThreshold, monitor.config.recoveryThreshold)) + 5;
    return {
      monitor, environment, env,
      openIncident: env ? await store.monitors.getOpenIncident(env.id) : undefined,
      recentFinished: env ? await store.monitors.recentFinishedCheckIns(env.id, lookback) : [],
    };
  }

  /** A clock change, planned and applied with retries; false when there was nothing (left) to do. */
  private async _applyGuarded(monitor: StoredMonitor, environment: string, nowSec: number, plan: (view: EnvironmentView) => MonitorChange | null, checkIn?: StoredCheckIn): Promise<boolean> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const view = await this._view(monitor, environment);
      if (checkIn) {
        const current = await this.deps.store.monitors.findCheckIn(monitor.id, checkIn.guid);
        if (current?.status !== "in_progress") return false; // closed meanwhile
      }
      const change = plan(view);
      if (!change) return false;
      await this._addRecoveryAlerts(monitor, environment, view, change, nowSec);
      const result = await this.deps.store.monitors.applyMonitorChange(change);
      if (result.committed) return true;
    }
    this.deps.logger.warn("monitor clock: a change kept conflicting with other writers", { monitorId: monitor.id, environment });
    return false;
  }

  /** Recovery mails: the rules that mail new issues and regressions (their filters applied) get one per incident. */
  private async _addRecoveryAlerts(monitor: StoredMonitor, environment: string, view: EnvironmentView, change: MonitorChange, nowSec: number): Promise<void> {
    const incident = change.incident?.kind === "resolve" ? view.openIncident : undefined;
    if (!incident || incident.issueId === null || monitor.isMuted || view.env?.isMuted) return;
    const facts = { environment, level: "error", tags: [["monitor.slug", monitor.slug], ["monitor.id", monitor.guid]] as [string, string][] };
    for (const rule of await this.deps.store.activeAlertRules(monitor.projectId)) {
      const t = rule.definition.triggers;
      if (!(t.newIssue || t.regression) || !matchesFilters(rule.definition.filters, facts)) continue;
      rule.definition.actions.forEach((action, i) => change.outbox.push({
        projectId: monitor.projectId, ruleId: rule.id, issueId: incident.issueId!, trigger: "monitor_recovery",
        idempotencyKey: `${incident.issueId}:${rule.id}:monitor_recovery:${incident.id}:${i}`,
        action: JSON.stringify(action), actionKey: actionKey(rule.id, action),
        payload: JSON.stringify({ monitorName: monitor.name, monitorSlug: monitor.slug, environment }), createdAtSec: nowSec,
      }));
    }
  }

  private async _refuse(projectId: number, p: ParsedCheckIn, raw: unknown, nowSec: number, type: string, detail: string): Promise<void> {
    this.deps.logger.info("check-in not processed", { projectId, monitorSlug: p.monitorSlug, type, detail });
    const checkIn = raw && typeof raw === "object" && !Array.isArray(raw) ? raw as Record<string, unknown> : { ...p };
    await this.deps.store.monitors.recordProcessingError({ projectId, monitorSlug: p.monitorSlug, type, detail, checkIn, createdAtSec: nowSec });
  }
}
