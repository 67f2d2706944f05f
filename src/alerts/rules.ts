import type { AlertRule, RuleDefinition, TriggerKind } from "../alert-rules/rule-schema.ts";

/** What the rules look at in the event that may trigger them. */
export interface AlertEventFacts {
  environment: string;
  level: string;
  tags: readonly (readonly [string, string])[];
}

/** The counters a rule's rate triggers read (kept in memory by the writer). */
export interface TriggerInputs {
  isNewIssue: boolean;
  isRegression: boolean;
  /** events of the issue in a window of `windowMinutes` ending now */
  eventsInWindow(windowMinutes: number): number;
  /** the issue's own mean count for a window that long, from its stored hourly counts */
  baselineForWindow(windowMinutes: number): number;
  usersInWindow(windowMinutes: number): number;
}

export interface FiredTrigger {
  trigger: TriggerKind;
  /** facts for the message (spike counts, users) */
  details?: Record<string, number>;
}

/** True when the event passes every filter of the rule (empty lists match anything). */
export function matchesFilters(filters: RuleDefinition["filters"], ev: AlertEventFacts): boolean {
  if (filters.environments.length && !filters.environments.includes(ev.environment)) return false;
  if (filters.levels.length && !filters.levels.includes(ev.level as (typeof filters.levels)[number])) return false;
  for (const match of filters.tags) {
    const colon = match.indexOf(":");
    const key = match.slice(0, colon);
    const value = match.slice(colon + 1);
    if (!ev.tags.some(([k, v]) => k === key && v === value)) return false;
  }
  return true;
}

/** Whether the rule must look at every event (rate triggers), not only new issues and regressions. */
export function watchesRates(rule: AlertRule): boolean {
  return rule.definition.triggers.spike !== null || rule.definition.triggers.usersAffected !== null;
}

/**
 * The triggers of `rule` this event sets off, before cooldowns. A spike needs both the absolute
 * floor and `factor` × the issue's baseline; the baseline is only read once the floor is reached,
 * so ordinary events never touch it.
 * @example decideTriggers(rule, facts, inputs) // [{ trigger: "new_issue" }]
 */
export function decideTriggers(rule: AlertRule, facts: AlertEventFacts, inputs: TriggerInputs): FiredTrigger[] {
  const t = rule.definition.triggers;
  const fired: FiredTrigger[] = [];
  if (t.newIssue && inputs.isNewIssue) fired.push({ trigger: "new_issue" });
  if (t.regression && inputs.isRegression) fired.push({ trigger: "regression" });
  if (t.spike) {
    const count = inputs.eventsInWindow(t.spike.windowMinutes);
    if (count >= t.spike.minEvents) {
      const baseline = inputs.baselineForWindow(t.spike.windowMinutes);
      if (count >= t.spike.factor * baseline) {
        fired.push({ trigger: "spike", details: { eventsInWindow: count, windowMinutes: t.spike.windowMinutes, baseline: Math.round(baseline * 100) / 100 } });
      }
    }
  }
  if (t.usersAffected) {
    const users = inputs.usersInWindow(t.usersAffected.windowMinutes);
    if (users >= t.usersAffected.minUsers) fired.push({ trigger: "users_affected", details: { users, windowMinutes: t.usersAffected.windowMinutes } });
  }
  if (fired.length === 0 || !matchesFilters(rule.definition.filters, facts)) return [];
  return fired;
}

/**
 * The idempotency key of one (trigger, action): a new issue fires once per issue; the other
 * triggers once per cooldown window, so a regression or spike after the cooldown is a new key.
 */
export function idempotencyKey(issueId: number, ruleId: number, trigger: TriggerKind, nowSec: number, cooldownMinutes: number, actionIndex: number): string {
  return `${issueId}:${idempotencySuffix(ruleId, trigger, nowSec, cooldownMinutes, actionIndex)}`;
}

/** The part of `idempotencyKey` after the issue id (a write plan names issues before they have ids). */
export function idempotencySuffix(ruleId: number, trigger: TriggerKind, nowSec: number, cooldownMinutes: number, actionIndex: number): string {
  const window = trigger === "new_issue" ? 0 : Math.floor(nowSec / (cooldownMinutes * 60));
  return `${ruleId}:${trigger}:${window}:${actionIndex}`;
}
