import type { ApiEffectiveLimits, ApiLimitOverrides, ApiOutcomeRow, ApiProjectLimits, ApiProjectOutcomes, ApiSourceLinkSettings } from "../../contract/index.ts";
import { defaultUrlTemplate } from "../../sourcemaps/source-links.ts";
import type { OutcomeCount } from "../../store/model/project-limits.ts";
import type { SourceLinkSettings } from "../../store/model/source-links.ts";

/** A project's limits: its overrides (null = installation default), the defaults, and what is in force. */
export function serializeProjectLimits(overrides: ApiLimitOverrides, defaults: ApiEffectiveLimits, effective: ApiEffectiveLimits): ApiProjectLimits {
  return { overrides, defaults, effective };
}

/** A project's usage: accepted this month, refused by the quota and dropped by SDKs, by reason. */
export function serializeProjectOutcomes(input: {
  days: number;
  /** yyyymm */
  month: number;
  acceptedThisMonth: number;
  storedEvents: number;
  effective: ApiEffectiveLimits;
  outcomes: OutcomeCount[];
}): ApiProjectOutcomes {
  const rows = (kind: OutcomeCount["outcome"]): ApiOutcomeRow[] =>
    input.outcomes.filter((o) => o.outcome === kind).map(({ reason, category, quantity }) => ({ reason, category, quantity }));
  const sum = (list: ApiOutcomeRow[]) => list.reduce((n, r) => n + r.quantity, 0);
  const rateLimited = rows("rate_limited");
  const clientDiscarded = rows("client_discard");
  return {
    days: input.days,
    month: `${Math.floor(input.month / 100)}-${String(input.month % 100).padStart(2, "0")}`,
    acceptedThisMonth: input.acceptedThisMonth,
    monthlyQuota: input.effective.monthlyQuota,
    eventsPerMinute: input.effective.eventsPerMinute,
    storedEvents: input.storedEvents,
    maxStoredEvents: input.effective.maxStoredEvents,
    rateLimitedTotal: sum(rateLimited),
    rateLimited,
    clientDiscardedTotal: sum(clientDiscarded),
    clientDiscarded,
  };
}

/** A project's source-link settings; `configured: false` with empty fields when it has none. */
export function serializeSourceLinkSettings(s: SourceLinkSettings | undefined): ApiSourceLinkSettings {
  if (!s) return { configured: false, repository: null, repositoryUrl: null, urlTemplate: null, effectiveUrlTemplate: null, stackRoot: "", sourceRoot: "" };
  return {
    configured: true, repository: s.repository, repositoryUrl: s.repositoryUrl, urlTemplate: s.urlTemplate || null,
    effectiveUrlTemplate: s.urlTemplate || defaultUrlTemplate(s.repositoryUrl), stackRoot: s.stackRoot, sourceRoot: s.sourceRoot,
  };
}
