/** Wire types of LightTrace's per-project settings: limits, usage outcomes, source links. */

/** A project's own limits (`overrides`); null = the installation default. */
export interface ApiLimitOverrides {
  eventsPerMinute: number | null;
  monthlyQuota: number | null;
  maxStoredEvents: number | null;
  maxEventAgeDays: number | null;
  scrubData: boolean | null;
  /** extra key names to scrub, on top of the defaults */
  sensitiveFields: string[];
}

/** Limits in force (0 = off). */
export interface ApiEffectiveLimits {
  eventsPerMinute: number;
  monthlyQuota: number;
  maxStoredEvents: number;
  maxEventAgeDays: number;
  scrubData: boolean;
  sensitiveFields: string[];
}

/** `GET|PUT /projects/{org}/{project}/limits/`. */
export interface ApiProjectLimits {
  overrides: ApiLimitOverrides;
  defaults: ApiEffectiveLimits;
  effective: ApiEffectiveLimits;
}

export interface ApiOutcomeRow {
  reason: string;
  category: string;
  quantity: number;
}

/** `GET /projects/{org}/{project}/outcomes/?days=30`. */
export interface ApiProjectOutcomes {
  days: number;
  /** "2026-11" */
  month: string;
  acceptedThisMonth: number;
  monthlyQuota: number;
  eventsPerMinute: number;
  storedEvents: number;
  maxStoredEvents: number;
  rateLimitedTotal: number;
  rateLimited: ApiOutcomeRow[];
  clientDiscardedTotal: number;
  clientDiscarded: ApiOutcomeRow[];
}

/** `GET|PUT /projects/{org}/{project}/source-links/`. */
export interface ApiSourceLinkSettings {
  configured: boolean;
  repository: string | null;
  repositoryUrl: string | null;
  urlTemplate: string | null;
  effectiveUrlTemplate: string | null;
  stackRoot: string;
  sourceRoot: string;
}
