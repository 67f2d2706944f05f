/** A project's own limits; null = use the installation default. */
export interface ProjectLimitOverrides {
  eventsPerMinute: number | null;
  monthlyQuota: number | null;
  maxStoredEvents: number | null;
  maxEventAgeDays: number | null;
  scrubData: boolean | null;
  /** extra key names to scrub, on top of the defaults */
  sensitiveFields: string[];
}

export const NO_OVERRIDES: ProjectLimitOverrides = Object.freeze({
  eventsPerMinute: null, monthlyQuota: null, maxStoredEvents: null, maxEventAgeDays: null, scrubData: null, sensitiveFields: [],
}) as ProjectLimitOverrides;

/** `rate_limited`: refused here (quota); `client_discard`: dropped by the SDK (client_report). */
export type OutcomeKind = "rate_limited" | "client_discard";

export interface OutcomeCount { outcome: OutcomeKind; reason: string; category: string; quantity: number }
