import type { AlertAction, AlertRule, RuleDefinition } from "../../alert-rules/rule-schema.ts";

export type OutboxStatus = "pending" | "sent" | "held" | "collapsed" | "failed" | "skipped";

/** One delivery: a (trigger, action) decided at ingest (src/process/decide-alerts.ts), or a digest. */
export interface OutboxRow {
  id: number;
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
  status: OutboxStatus;
  attempts: number;
  /** seconds since epoch */
  nextAttemptAtSec: number;
  lastError: string | null;
  digestId: number | null;
  createdAtSec: number;
  sentAtSec: number | null;
}

export interface RuleWrite {
  name: string;
  status: "active" | "disabled";
  definition: RuleDefinition;
}

/** Alert rules, the outbox and its bookkeeping, behind the async Store boundary. */
export interface AlertStore {
  listRules(projectId: number): Promise<AlertRule[]>;
  getRule(id: number): Promise<AlertRule | undefined>;
  createRule(projectId: number, rule: RuleWrite, isDefault?: boolean): Promise<AlertRule>;
  updateRule(id: number, rule: RuleWrite): Promise<AlertRule | undefined>;
  deleteRule(id: number): Promise<boolean>;
  /** when the rule last fired (its newest outbox row; seconds since epoch), null if never */
  ruleLastFiredAt(ruleId: number): Promise<number | null>;
  /** every active rule with a daily digest, across projects */
  digestRules(): Promise<AlertRule[]>;

  /** pending rows due at `nowSec`, oldest first, leaving out the actions named in `busyActionKeys` */
  dueOutbox(nowSec: number, limit: number, busyActionKeys?: string[]): Promise<OutboxRow[]>;
  /** a (re)start retries every pending row now rather than after its backoff */
  retryPendingNow(nowSec: number): Promise<void>;
  /** the earliest next attempt of any pending row (of actions not in `busyActionKeys`) */
  nextDueAt(busyActionKeys?: string[]): Promise<number | undefined>;
  markSent(id: number, nowSec: number): Promise<void>;
  markRetry(id: number, error: string, nextAttemptAt: number): Promise<void>;
  markDone(id: number, status: "failed" | "skipped" | "held", error: string | null): Promise<void>;
  sentCountSince(actionKey: string, sinceSec: number): Promise<number>;
  heldActionKeys(): Promise<string[]>;
  /** turns every held row of the action into one pending digest row (idempotent) */
  collapseHeld(actionKey: string, nowSec: number): Promise<OutboxRow | undefined>;
  /** enqueues the daily digest of `rule` for `day` (epoch days) if anything happened; true when a row was added */
  enqueueDailyDigest(rule: AlertRule, day: number, nowSec: number): Promise<boolean>;
  listOutbox(projectId: number, limit: number): Promise<OutboxRow[]>;
  /** forgets finished deliveries created before `beforeSec` and cooldowns that fired before `cooldownBeforeSec` */
  pruneOutbox(beforeSec: number, cooldownBeforeSec: number): Promise<number>;
  getOutboxRow(id: number): Promise<OutboxRow | undefined>;
}
