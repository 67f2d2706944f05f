import { IssueRateCounters } from "../alerts/rate-counters.ts";
import { actionKey, type AlertRule, type TriggerKind } from "../alert-rules/rule-schema.ts";
import { decideTriggers, idempotencySuffix, watchesRates, type FiredTrigger } from "../alerts/rules.ts";
import type { IngestStore } from "../store/types.ts";
import type { PlannedAlert } from "../store/write-plan.ts";
import type { GroupingResolution, PlacedEvent } from "./resolve-groupings.ts";

/** The store reads alert decisions need. */
export type AlertReads = Pick<IngestStore, "alertRulesVersion" | "activeAlertRules" | "issueEventTotals">;

/**
 * Events per issue and minute as every node committed them (several nodes on one PostgreSQL):
 * the spike trigger then sees an issue's whole rate, not the share one node received.
 */
export interface SharedIssueRates {
  /** per issue, its events by minute (minutes since the epoch) from `sinceMinute` on */
  read(issueIds: readonly number[], sinceMinute: number): Promise<Map<number, Map<number, number>>>;
  /** adds a committed batch's events per (issue, minute), each pair once */
  add(counts: readonly { issueId: number; minute: number; n: number }[]): Promise<void>;
  /**
   * For the users-affected trigger: per issue, its distinct users seen since each of `sinceSec`
   * (by index), and when each of `users` was last seen on its issue (absent: never).
   */
  readUsers(issueIds: readonly number[], sinceSec: readonly number[], users: readonly { issueId: number; userKey: string }[]): Promise<SharedUsers>;
  /** records a committed batch's users (the latest sighting per issue and user, each pair once) */
  addUsers(users: readonly { issueId: number; userKey: string; seenSec: number }[]): Promise<void>;
}

/** What `readUsers` answers. */
export interface SharedUsers {
  /** issue id → distinct users since `sinceSec[i]`, at index i */
  counts: Map<number, number[]>;
  /** `${issueId}:${userKey}` → last seen (seconds) */
  lastSeen: Map<string, number>;
}

/** A batch's alert decisions, to put in its write plan. */
export interface AlertDecisions {
  alerts: PlannedAlert[];
  /** rule failures (an alerting bug must not cost the events: they are reported, not thrown) */
  errors: unknown[];
  /** once the plan is committed: counts the batch's events in the rate counters under their issues' ids */
  commit(issueIds: readonly number[]): void;
}

/**
 * Decides a batch's alerts from an in-memory copy of each project's active rules (reloaded when
 * the rules version changes) and in-memory rate counters. The cheap case (no rate trigger, not a
 * new issue, not a regression) costs a map lookup per event. Each decision is a cooldown claim
 * the store makes atomically, so with several writers one incident still alerts once; within the
 * batch, the same cooldown is claimed once. Rate counters take the batch only once it committed,
 * so a batch planned twice (conflict, split) is not counted twice.
 */
export class AlertDecider {
  private readonly reads: AlertReads;
  private readonly counters = new IssueRateCounters();
  private rules = new Map<number, _ProjectRules>();
  private version = "";
  private baselines = new Map<number, { hour: number; perHour: number }>();
  private readonly shared: SharedIssueRates | undefined;
  private readonly onSharedError: (err: unknown) => void;

  /** `shared`: the rate counts all nodes add to (absent: this process's own counters are the whole truth). */
  constructor(reads: AlertReads, shared?: { rates: SharedIssueRates; onError: (err: unknown) => void }) {
    this.reads = reads;
    this.shared = shared?.rates;
    this.onSharedError = shared?.onError ?? (() => undefined);
  }

  async decide(resolution: GroupingResolution, reopening: ReadonlyMap<number, PlacedEvent>): Promise<AlertDecisions> {
    const decisions: AlertDecisions = { alerts: [], errors: [], commit: () => {} };
    const placed = resolution.placements.flat().filter((p): p is PlacedEvent => p !== null);
    if (placed.length === 0) return decisions;
    // 1. rules edited by the API or another process since the last batch are picked up here
    const version = await this.reads.alertRulesVersion();
    if (version !== this.version) {
      this.version = version;
      this.rules.clear();
    }
    const rules = new Map<number, _ProjectRules>();
    for (const p of placed) {
      if (rules.has(p.projectId)) continue;
      try {
        rules.set(p.projectId, await this._projectRules(p.projectId));
      } catch (err) {
        decisions.errors.push(err); // e.g. a rule damaged outside LightTrace: no alerts, the events still count
        rules.set(p.projectId, { all: [], watchRates: false, trackUsers: false });
      }
    }

    // 2. each event in order, against the counters as they stand plus this batch's earlier events
    //    (several nodes: the counts all of them committed, read once for the batch's known issues)
    let sharedCounts: Map<number, Map<number, number>> | undefined;
    let sharedUsers: (SharedUsers & { windows: number[] }) | undefined;
    if (this.shared) {
      const watched = new Set<number>();
      let nowSec = 0;
      for (const p of placed) {
        const slot = resolution.slots[p.issue]!;
        if (rules.get(p.projectId)!.watchRates && slot.kind === "existing") watched.add(slot.state.issueId);
        nowSec = Math.max(nowSec, p.event.receivedAtSec);
      }
      if (watched.size > 0) {
        try {
          sharedCounts = await this.shared.read([...watched], Math.floor(nowSec / 60) - 60);
        } catch (err) {
          this.onSharedError(err); // the node's own counters decide this batch
        }
      }
      // the users-affected trigger: every node's distinct users per window, and the batch's users' last sightings
      const userIssues = new Set<number>();
      const windows = new Set<number>();
      const batchUsers = new Map<string, { issueId: number; userKey: string }>();
      for (const p of placed) {
        const project = rules.get(p.projectId)!;
        const slot = resolution.slots[p.issue]!;
        if (!project.trackUsers || slot.kind !== "existing") continue;
        userIssues.add(slot.state.issueId);
        for (const r of project.all) if (r.definition.triggers.usersAffected) windows.add(r.definition.triggers.usersAffected.windowMinutes);
        if (p.event.userKey) batchUsers.set(`${slot.state.issueId}:${p.event.userKey}`, { issueId: slot.state.issueId, userKey: p.event.userKey });
      }
      if (userIssues.size > 0) {
        const windowList = [...windows];
        try {
          const answer = await this.shared.readUsers([...userIssues], windowList.map((w) => nowSec - w * 60), [...batchUsers.values()]);
          sharedUsers = { windows: windowList, ...answer };
        } catch (err) {
          this.onSharedError(err);
        }
      }
    }
    const batch = new _BatchRates(this.counters, sharedCounts, sharedUsers);
    const claimed = new Map<string, number>();
    for (const p of placed) {
      const project = rules.get(p.projectId)!;
      if (project.all.length === 0) continue;
      try {
        await this._decideEvent(p, project, resolution, reopening.get(p.issue) === p, batch, claimed, decisions.alerts);
      } catch (err) {
        if (decisions.errors.length < 20) decisions.errors.push(err);
      }
    }
    decisions.commit = (issueIds) => {
      batch.commit(issueIds);
      const counts = batch.minuteCounts(issueIds);
      if (this.shared && counts.length > 0) this.shared.add(counts).catch(this.onSharedError);
      const users = batch.userSightings(issueIds);
      if (this.shared && users.length > 0) this.shared.addUsers(users).catch(this.onSharedError);
    };
    return decisions;
  }

  // --- Internal ---

  private async _decideEvent(p: PlacedEvent, project: _ProjectRules, resolution: GroupingResolution, isRegression: boolean,
    batch: _BatchRates, claimed: Map<string, number>, out: PlannedAlert[]): Promise<void> {
    const now = p.event.receivedAtSec;
    const slot = resolution.slots[p.issue]!;
    const issueId = slot.kind === "existing" ? slot.state.issueId : undefined;
    if (project.watchRates) batch.record(p.issue, now, p.event.userKey, project.trackUsers);
    if (!project.watchRates && !p.opensIssue && !isRegression) return;
    // the baseline is read only once a spike rule's floor is reached (a new issue has none)
    let baselinePerHour = 0;
    const needsBaseline = issueId !== undefined && project.all.some((r) => {
      const spike = r.definition.triggers.spike;
      return spike !== null && batch.eventsInWindow(p.issue, issueId, now, spike.windowMinutes) >= spike.minEvents;
    });
    if (needsBaseline) baselinePerHour = await this._baselinePerHour(issueId!, now);
    const inputs = {
      isNewIssue: p.opensIssue,
      isRegression,
      eventsInWindow: (w: number) => batch.eventsInWindow(p.issue, issueId, now, w),
      baselineForWindow: (w: number) => (baselinePerHour * w) / 60,
      usersInWindow: (w: number) => batch.usersInWindow(p.issue, issueId, now, w),
    };
    for (const rule of project.all) {
      for (const fired of _monitorTriggers(p.event, decideTriggers(rule, p.event, inputs))) {
        const cooldownSec = rule.definition.frequency * 60;
        const claimKey = `${p.issue}:${rule.id}:${fired.trigger}`;
        const last = claimed.get(claimKey);
        if (last !== undefined && now - last < cooldownSec) continue;
        claimed.set(claimKey, now);
        out.push({
          cooldown: { issue: p.issue, ruleId: rule.id, trigger: fired.trigger, firedAtSec: now, cooldownSec },
          outbox: rule.definition.actions.map((action, i) => ({
            idempotencySuffix: idempotencySuffix(rule.id, fired.trigger, now, rule.definition.frequency, i),
            projectId: p.projectId, ruleId: rule.id, issue: p.issue, eventId: p.event.eventId, trigger: fired.trigger as TriggerKind,
            action, actionKey: actionKey(rule.id, action), payload: fired.details ?? null, createdAtSec: now,
          })),
        });
      }
    }
  }

  private async _projectRules(projectId: number): Promise<_ProjectRules> {
    let entry = this.rules.get(projectId);
    if (!entry) {
      const all = (await this.reads.activeAlertRules(projectId))
        .filter((r) => r.definition.triggers.newIssue || r.definition.triggers.regression || watchesRates(r));
      entry = { all, watchRates: all.some(watchesRates), trackUsers: all.some((r) => r.definition.triggers.usersAffected !== null) };
      this.rules.set(projectId, entry);
    }
    return entry;
  }

  /** Mean events per hour of the issue over the 24 hours before the current one (cached per hour). */
  private async _baselinePerHour(issueId: number, nowSec: number): Promise<number> {
    const hour = Math.floor(nowSec / 3600);
    const cached = this.baselines.get(issueId);
    if (cached?.hour === hour) return cached.perHour;
    const totals = await this.reads.issueEventTotals([issueId], hour - 24, hour);
    const perHour = (totals.get(issueId) ?? 0) / 24;
    if (this.baselines.size > 10_000) this.baselines.clear();
    this.baselines.set(issueId, { hour, perHour });
    return perHour;
  }
}

// --- Internal ---

/** A monitor failure event alerts once as `monitor_failure` where a rule would mail a new issue or regression, never for rates. */
function _monitorTriggers(event: { alertAs?: "monitor_failure" }, fired: FiredTrigger[]): FiredTrigger[] {
  if (event.alertAs !== "monitor_failure") return fired;
  return fired.some((f) => f.trigger === "new_issue" || f.trigger === "regression") ? [{ trigger: "monitor_failure" }] : [];
}

interface _ProjectRules { all: AlertRule[]; watchRates: boolean; trackUsers: boolean }

/** The rate counters as they stand, plus the events of the batch being decided (by issue slot). */
class _BatchRates {
  private readonly base: IssueRateCounters;
  private readonly recorded: { slot: number; nowSec: number; userKey: string | undefined; trackUsers: boolean }[] = [];
  private readonly slots = new Map<number, { minutes: Map<number, number>; users: Map<string, number> }>();
  /** every node's committed counts per issue and minute, when nodes share them */
  private readonly shared: Map<number, Map<number, number>> | undefined;
  private readonly sharedUsers: (SharedUsers & { windows: number[] }) | undefined;

  constructor(base: IssueRateCounters, shared?: Map<number, Map<number, number>>, sharedUsers?: SharedUsers & { windows: number[] }) {
    this.base = base;
    this.shared = shared;
    this.sharedUsers = sharedUsers;
  }

  record(slot: number, nowSec: number, userKey: string | undefined, trackUsers: boolean): void {
    this.recorded.push({ slot, nowSec, userKey, trackUsers });
    let s = this.slots.get(slot);
    if (!s) this.slots.set(slot, s = { minutes: new Map(), users: new Map() });
    const minute = Math.floor(nowSec / 60);
    s.minutes.set(minute, (s.minutes.get(minute) ?? 0) + 1);
    if (trackUsers && userKey) s.users.set(userKey, nowSec);
  }

  eventsInWindow(slot: number, issueId: number | undefined, nowSec: number, windowMinutes: number): number {
    const minute = Math.floor(nowSec / 60);
    let total = issueId === undefined ? 0 : this.base.eventsInWindow(issueId, nowSec, windowMinutes);
    if (issueId !== undefined && this.shared) {
      // every node's committed counts; this node's own last batch may not have reached them yet
      let everyNode = 0;
      for (const [m, n] of this.shared.get(issueId) ?? []) if (m > minute - Math.min(windowMinutes, 60) && m <= minute) everyNode += n;
      total = Math.max(total, everyNode);
    }
    for (const [m, n] of this.slots.get(slot)?.minutes ?? []) if (m > minute - Math.min(windowMinutes, 60) && m <= minute) total += n;
    return total;
  }

  usersInWindow(slot: number, issueId: number | undefined, nowSec: number, windowMinutes: number): number {
    let total = issueId === undefined ? 0 : this.base.usersInWindow(issueId, nowSec, windowMinutes);
    // several nodes: the users every node committed (this node's own counters stay the floor)
    const shared = this.sharedUsers;
    const w = shared ? shared.windows.indexOf(windowMinutes) : -1;
    const everyNode = issueId !== undefined && shared && w >= 0 ? shared.counts.get(issueId)?.[w] : undefined;
    if (everyNode !== undefined) total = Math.max(total, everyNode);
    const since = nowSec - windowMinutes * 60;
    for (const [user, seen] of this.slots.get(slot)?.users ?? []) {
      if (seen < since) continue;
      let before = issueId === undefined ? undefined : this.base.userLastSeen(issueId, user);
      if (issueId !== undefined && everyNode !== undefined) before = Math.max(before ?? -Infinity, shared!.lastSeen.get(`${issueId}:${user}`) ?? -Infinity);
      if (before === undefined || before < since) total++;
    }
    return total;
  }

  /** The batch's users per issue with their latest sighting, under the ids the issues got (for the shared counts). */
  userSightings(issueIds: readonly number[]): { issueId: number; userKey: string; seenSec: number }[] {
    const latest = new Map<string, { issueId: number; userKey: string; seenSec: number }>();
    for (const r of this.recorded) {
      if (!r.trackUsers || !r.userKey) continue;
      const issueId = issueIds[r.slot]!;
      const key = `${issueId}:${r.userKey}`;
      const entry = latest.get(key);
      if (!entry) latest.set(key, { issueId, userKey: r.userKey, seenSec: r.nowSec });
      else entry.seenSec = Math.max(entry.seenSec, r.nowSec);
    }
    return [...latest.values()];
  }

  /** The batch's events per (issue, minute), under the ids the issues got (for the shared counts). */
  minuteCounts(issueIds: readonly number[]): { issueId: number; minute: number; n: number }[] {
    const counts = new Map<string, { issueId: number; minute: number; n: number }>();
    for (const r of this.recorded) {
      const issueId = issueIds[r.slot]!;
      const minute = Math.floor(r.nowSec / 60);
      const entry = counts.get(`${issueId}:${minute}`);
      if (entry) entry.n++;
      else counts.set(`${issueId}:${minute}`, { issueId, minute, n: 1 });
    }
    return [...counts.values()];
  }

  /** Feeds the batch into the lasting counters, each slot under the id its issue got. */
  commit(issueIds: readonly number[]): void {
    for (const r of this.recorded) this.base.record(issueIds[r.slot]!, r.nowSec, r.userKey, r.trackUsers);
  }
}
