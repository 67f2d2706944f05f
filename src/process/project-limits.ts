import type { Config } from "../config.ts";
import type { ProjectLimitOverrides } from "../store/model/project-limits.ts";
import type { Store } from "../store/types.ts";

/** A project's limits after applying its overrides to the installation defaults (0 = off). */
export interface EffectiveLimits {
  eventsPerMinute: number;
  monthlyQuota: number;
  maxStoredEvents: number;
  maxEventAgeDays: number;
  scrubData: boolean;
  sensitiveFields: string[];
}

/** Overrides win where set; everything else comes from the installation config. Pure. */
export function resolveLimits(config: Config, overrides: ProjectLimitOverrides): EffectiveLimits {
  return {
    eventsPerMinute: overrides.eventsPerMinute ?? config.eventsPerMinute,
    monthlyQuota: overrides.monthlyQuota ?? config.monthlyQuota,
    maxStoredEvents: overrides.maxStoredEvents ?? config.maxStoredEvents,
    maxEventAgeDays: overrides.maxEventAgeDays ?? config.maxEventAgeDays,
    scrubData: overrides.scrubData ?? config.scrubData,
    sensitiveFields: overrides.sensitiveFields,
  };
}

/** How long ingest trusts a cached project's limits: a change in the API applies within this. */
const TTL_MS = 1_000;

/** Project id → effective limits, cached briefly so ingest reads the database at most once a second per project. */
export class ProjectLimitsCache {
  private entries = new Map<number, { limits: EffectiveLimits; expires: number }>();

  private readonly store: Store;
  private readonly config: Config;
  private readonly now: () => number;

  constructor(store: Store, config: Config, now: () => number) {
    this.store = store;
    this.config = config;
    this.now = now;
  }

  /** Forgets every project's limits (they changed, here or on another node). */
  clear(): void {
    this.entries.clear();
  }

  async limitsFor(projectId: number): Promise<EffectiveLimits> {
    const now = this.now();
    const hit = this.entries.get(projectId);
    if (hit && hit.expires > now) return hit.limits;
    const limits = resolveLimits(this.config, await this.store.getProjectLimits(projectId));
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(projectId, { limits, expires: now + TTL_MS });
    return limits;
  }
}
