import type { ApiGroupingInfo, ApiGroupingRules, ApiIssueGrouping } from "../../contract/index.ts";
import { toIsoString } from "../../events/timestamps.ts";
import type { Grouping, GroupingDetails } from "../../grouping/mechanisms.ts";
import { BUILTIN_STACK_RULES_TEXT } from "../../grouping/stack-rules/builtin.ts";
import type { GroupingSettings, IssueGrouping } from "../../store/model/groupings.ts";

/** A project's rules as the API shows them, with the built-in ones they follow. */
export function serializeGroupingRules(s: GroupingSettings | undefined, mechanism: string, transitionSec: number): ApiGroupingRules {
  return {
    mechanism,
    stackRules: s?.stackRules ?? "",
    groupingEnhancements: s?.stackRules ?? "",
    builtinStackRules: BUILTIN_STACK_RULES_TEXT,
    previousStackRules: (s?.previousStackRules ?? []).map((p) => ({
      rules: p.rules, replacedAt: toIsoString(p.replacedAt), triedUntil: toIsoString(p.replacedAt + transitionSec),
    })),
    updatedAt: s ? toIsoString(s.updatedAtSec) : null,
  };
}

/** One key that leads to an issue. */
export function serializeIssueGrouping(g: IssueGrouping): ApiIssueGrouping {
  return { hash: g.hash, key: g.key, mechanism: g.mechanism, dateCreated: toIsoString(g.createdAtSec) };
}

/** An event's grouping info: its key and how it was made, and which of its issue's keys it has. */
export function serializeGroupingInfo(input: {
  eventId: string;
  issueId: number;
  details: GroupingDetails;
  earlier: Grouping[];
  issueGroupings: IssueGrouping[];
  projectRules: string;
}): ApiGroupingInfo {
  const { details } = input;
  const issueHashes = new Set(input.issueGroupings.map((g) => g.hash));
  const matched = [details.grouping, ...input.earlier].find((g) => issueHashes.has(g.hash));
  return {
    eventId: input.eventId,
    issueId: String(input.issueId),
    mechanism: details.grouping.mechanism,
    hash: details.grouping.hash,
    key: details.grouping.key,
    variant: details.fingerprint ? "fingerprint" : details.default.variant,
    fingerprint: details.fingerprint ?? null,
    defaultKey: details.default.key,
    exceptions: details.default.exceptions,
    message: details.default.message ?? null,
    earlierKeys: input.earlier.map((g) => ({ hash: g.hash, key: g.key, mechanism: g.mechanism })),
    matchedKey: matched ? { hash: matched.hash, mechanism: matched.mechanism, current: matched.hash === details.grouping.hash } : null,
    issueGroupings: input.issueGroupings.map(serializeIssueGrouping),
    projectRules: input.projectRules,
  };
}
