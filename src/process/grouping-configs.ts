import { DEFAULT_GROUPING_CONFIG, type GroupingConfig } from "../grouping/mechanisms.ts";
import type { GroupingSettings } from "../store/model/groupings.ts";
import type { Store } from "../store/types.ts";

/**
 * How long events still try the keys a project's previous stack-trace rules gave them (Sentry
 * keeps a grouping config's predecessor for 90 days). An issue that is seen in that time claims
 * its new key; one that is not was quiet for three months.
 */
export const RULE_TRANSITION_SEC = 90 * 86_400;
/** At most this many earlier rule texts are kept (each costs a grouping pass per event). */
export const MAX_PREVIOUS_RULE_TEXTS = 3;

/** The grouping configuration ingest uses for a project's settings at `nowSec`. Pure. */
export function groupingConfigFrom(settings: GroupingSettings | undefined, nowSec: number): GroupingConfig {
  if (!settings) return DEFAULT_GROUPING_CONFIG;
  const previous = settings.previousStackRules
    .filter((p) => nowSec - p.replacedAt < RULE_TRANSITION_SEC && p.rules !== settings.stackRules)
    .map((p) => p.rules);
  return { stackRules: settings.stackRules, previousStackRules: previous };
}

/**
 * The earlier rule texts to keep when a project's rules change to `nextRules`: the text being
 * replaced goes first, expired and duplicate texts go, at most {@link MAX_PREVIOUS_RULE_TEXTS} stay. Pure.
 */
export function previousRulesAfterChange(current: GroupingSettings | undefined, nextRules: string, nowSec: number): GroupingSettings["previousStackRules"] {
  // a project without settings had the built-in rules only: "" is its previous text
  const { stackRules, previousStackRules } = current ?? { stackRules: "", previousStackRules: [] };
  if (stackRules === nextRules) return previousStackRules;
  const kept: GroupingSettings["previousStackRules"] = [];
  for (const entry of [{ rules: stackRules, replacedAt: nowSec }, ...previousStackRules]) {
    if (entry.rules === nextRules || kept.some((k) => k.rules === entry.rules)) continue;
    if (nowSec - entry.replacedAt >= RULE_TRANSITION_SEC) continue;
    kept.push(entry);
  }
  return kept.slice(0, MAX_PREVIOUS_RULE_TEXTS);
}

/** How long ingest trusts a cached configuration: a rule change applies within this. */
const TTL_MS = 1_000;

/** Project id → grouping configuration, cached briefly so ingest reads the database at most once a second per project. */
export class ProjectGroupingConfigs {
  private entries = new Map<number, { config: GroupingConfig; expires: number }>();

  private readonly store: Store;
  private readonly now: () => number;

  constructor(store: Store, now: () => number) {
    this.store = store;
    this.now = now;
  }

  /** Forgets every project's configuration (rules changed, here or on another node). */
  clear(): void {
    this.entries.clear();
  }

  async configFor(projectId: number): Promise<GroupingConfig> {
    const now = this.now();
    const hit = this.entries.get(projectId);
    if (hit && hit.expires > now) return hit.config;
    const config = groupingConfigFrom(await this.store.getGroupingSettings(projectId), now / 1000);
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(projectId, { config, expires: now + TTL_MS });
    return config;
  }
}
