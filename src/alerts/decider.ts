import type { EventOutcome, PreparedEvent } from "../process/types.ts";
import { IssueRateCounters } from "./rate-counters.ts";
import { actionKey, type AlertAction, type AlertRule, type TriggerKind } from "./rule-schema.ts";
import { decideTriggers, idempotencyKey, watchesRates } from "./rules.ts";

/** A row for the outbox, decided inside the ingest transaction. */
export interface OutboxInsert {
  idempotencyKey: string;
  projectId: number;
  ruleId: number;
  issueId: number | null;
  eventId: string | null;
  /** new_issue | regression | spike | users_affected | collapsed_digest | daily_digest */
  trigger: string;
  action: AlertAction;
  actionKey: string;
  payload: Record<string, unknown> | null;
  /** seconds since epoch */
  now: number;
}

/** What the decider did since it was last asked: rows written, and rule failures to log. */
export interface DecisionReport {
  enqueued: number;
  errors: unknown[];
}

/** The SQL the decider needs (src/store/alerts.ts), all synchronous: it runs inside the transaction. */
export interface DecisionQueries {
  /** changes whenever any process edits rules (one settings read per batch) */
  rulesVersion(): string;
  activeRules(projectId: number): AlertRule[];
  /** mean events per hour of the issue over the 24 hours before `currentHour` */
  baselinePerHour(issueId: number, currentHour: number): number;
  lastFiredAt(issueId: number, ruleId: number, trigger: TriggerKind): number | undefined;
  recordFired(issueId: number, ruleId: number, trigger: TriggerKind, at: number): void;
  /** INSERT OR IGNORE by idempotency key; true when the row is new */
  enqueue(row: OutboxInsert): boolean;
}

/**
 * Decides alerts inside the ingest transaction, right after each event is stored, from an
 * in-memory copy of each project's active rules. The cheap case (no rate trigger, not a new
 * issue, not a regression) costs a map lookup. Cooldowns live in SQLite, so a rolled-back
 * event leaves no trace of having fired.
 */
export class AlertDecider {
  private readonly queries: DecisionQueries;
  private readonly counters = new IssueRateCounters();
  private rules = new Map<number, { all: AlertRule[]; watchRates: boolean; trackUsers: boolean }>();
  private version = "";
  private baselines = new Map<number, { hour: number; perHour: number }>();
  private enqueued = 0;
  private errors: unknown[] = [];

  constructor(queries: DecisionQueries) {
    this.queries = queries;
  }

  /** Called once per batch: picks up rule edits made by the API or another process (the CLI). */
  beforeBatch(): void {
    const version = this.queries.rulesVersion();
    if (version !== this.version) {
      this.version = version;
      this.rules.clear();
    }
  }

  /**
   * Called after each stored (non-duplicate) event, inside its savepoint. A failure here is
   * reported (takeReport) rather than thrown: an alerting bug must not cost the event.
   */
  afterEvent(projectId: number, ev: PreparedEvent, outcome: EventOutcome): void {
    try {
      this._decide(projectId, ev, outcome);
    } catch (err) {
      if (this.errors.length < 20) this.errors.push(err);
    }
  }

  /** What happened since the last call (the dispatcher wakes when rows were enqueued). */
  takeReport(): DecisionReport {
    const report = { enqueued: this.enqueued, errors: this.errors };
    this.enqueued = 0;
    this.errors = [];
    return report;
  }

  // --- Internal ---

  private _decide(projectId: number, ev: PreparedEvent, outcome: EventOutcome): void {
    const project = this._projectRules(projectId);
    if (project.all.length === 0) return;
    const now = ev.receivedAt;
    if (project.watchRates) this.counters.record(outcome.issueId, now, ev.userKey, project.trackUsers);
    if (!project.watchRates && !outcome.isNewIssue && !outcome.isRegression) return;
    const issueId = outcome.issueId;
    const inputs = {
      isNewIssue: outcome.isNewIssue,
      isRegression: outcome.isRegression,
      eventsInWindow: (w: number) => this.counters.eventsInWindow(issueId, now, w),
      baselineForWindow: (w: number) => (this._baselinePerHour(issueId, now) * w) / 60,
      usersInWindow: (w: number) => this.counters.usersInWindow(issueId, now, w),
    };
    for (const rule of project.all) {
      for (const fired of decideTriggers(rule, ev, inputs)) this._fire(rule, fired.trigger, fired.details, projectId, issueId, ev.eventId, now);
    }
  }

  private _fire(rule: AlertRule, trigger: TriggerKind, details: Record<string, number> | undefined, projectId: number, issueId: number, eventId: string, now: number): void {
    const cooldown = rule.definition.frequency * 60;
    const last = this.queries.lastFiredAt(issueId, rule.id, trigger);
    if (last !== undefined && now - last < cooldown) return;
    this.queries.recordFired(issueId, rule.id, trigger, now);
    rule.definition.actions.forEach((action, i) => {
      const inserted = this.queries.enqueue({
        idempotencyKey: idempotencyKey(issueId, rule.id, trigger, now, rule.definition.frequency, i),
        projectId, ruleId: rule.id, issueId, eventId, trigger, action, actionKey: actionKey(rule.id, action),
        payload: details ?? null, now,
      });
      if (inserted) this.enqueued++;
    });
  }

  private _projectRules(projectId: number) {
    let entry = this.rules.get(projectId);
    if (!entry) {
      const all = this.queries.activeRules(projectId).filter((r) => r.definition.triggers.newIssue || r.definition.triggers.regression || watchesRates(r));
      entry = { all, watchRates: all.some(watchesRates), trackUsers: all.some((r) => r.definition.triggers.usersAffected !== null) };
      this.rules.set(projectId, entry);
    }
    return entry;
  }

  private _baselinePerHour(issueId: number, nowSec: number): number {
    const hour = Math.floor(nowSec / 3600);
    const cached = this.baselines.get(issueId);
    if (cached?.hour === hour) return cached.perHour;
    const perHour = this.queries.baselinePerHour(issueId, hour);
    if (this.baselines.size > 10_000) this.baselines.clear();
    this.baselines.set(issueId, { hour, perHour });
    return perHour;
  }
}
