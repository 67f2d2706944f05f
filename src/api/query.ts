import type { IssueStatus, TagCondition } from "../store/types.ts";
import { QuerySyntaxError, tokenizeSearch } from "./search-syntax.ts";

export interface ParsedIssueQuery {
  statuses?: IssueStatus[];
  levels?: string[];
  tags: TagCondition[];
  text: string[];
  /** `is:assigned`, `is:unassigned`, `assigned:<who>` (who: me, none, #team, team:slug, user:id, an email), resolved by the caller */
  assignees?: { kind: "none" | "any" | "to"; refs: string[]; negate: boolean }[];
  /** `owner:<who>` (me, #team, team:slug, an email): the owners ownership rules gave the issue */
  owners?: { refs: string[]; negate: boolean }[];
}

export { QuerySyntaxError };

const STATUS_ALIASES: Record<string, IssueStatus> = {
  unresolved: "unresolved",
  resolved: "resolved",
  ignored: "ignored",
  archived: "ignored",
  muted: "ignored",
};

const LEVELS = new Set(["fatal", "error", "warning", "info", "debug"]);

/** Sentry's assignee filter and its older spelling. */
const ASSIGNEE_KEYS = new Set(["assigned", "assigned_to"]);

/**
 * Sentry's issue search syntax: `is:unresolved`, `level:error`, `key:value` tag filters (quoted
 * values, `!key:value` to negate, `*` wildcards), and free-text words matched in title and culprit.
 * @example parseIssueQuery('is:unresolved release:"api@2.4.1" team:billing timeout')
 */
export function parseIssueQuery(query: string): ParsedIssueQuery {
  const result: ParsedIssueQuery = { tags: [], text: [] };
  for (const t of tokenizeSearch(query)) {
    if (t.kind === "text") {
      result.text.push(t.value);
      continue;
    }
    if (t.op !== "=") throw new QuerySyntaxError(`"${t.key}:${t.op}${t.values[0]}": comparisons are not supported in issue search`);
    if (ASSIGNEE_KEYS.has(t.key.toLowerCase())) {
      _applyAssignee(result, t.values, t.negate);
      continue;
    }
    if (t.key.toLowerCase() === "owner") {
      (result.owners ??= []).push({ refs: t.values.map((v) => v.trim()).filter((v) => v !== ""), negate: t.negate });
      continue;
    }
    if (t.values.length > 1 && !["is", "level"].includes(t.key.toLowerCase())) {
      throw new QuerySyntaxError(`"${t.key}:[…]" lists several values; issue search takes one value per key`);
    }
    for (const value of t.values) _applyFilter(result, t.key, value, t.negate);
  }
  return result;
}

// --- Internal ---

function _applyFilter(result: ParsedIssueQuery, key: string, value: string, negate: boolean): void {
  const lower = key.toLowerCase();
  if (lower === "is" && (value.toLowerCase() === "assigned" || value.toLowerCase() === "unassigned")) {
    (result.assignees ??= []).push({ kind: value.toLowerCase() === "assigned" ? "any" : "none", refs: [], negate });
    return;
  }
  if (lower === "is") {
    const status = STATUS_ALIASES[value.toLowerCase()];
    if (!status) throw new QuerySyntaxError(`unsupported search "is:${value}" (use is:unresolved, is:resolved, is:ignored, is:assigned or is:unassigned)`);
    if (negate) {
      result.statuses = (result.statuses ?? ["unresolved", "resolved", "ignored"]).filter((s) => s !== status);
    } else {
      result.statuses = [...(result.statuses ?? []), status];
    }
    return;
  }
  if (lower === "level" && !negate) {
    const levels = value.split(",").map((v) => v.trim().toLowerCase());
    const bad = levels.find((l) => !LEVELS.has(l));
    if (bad) throw new QuerySyntaxError(`unknown level "${bad}" (fatal, error, warning, info, debug)`);
    result.levels = [...(result.levels ?? []), ...levels];
    return;
  }
  result.tags.push({ key, value, negate });
}

function _applyAssignee(result: ParsedIssueQuery, values: string[], negate: boolean): void {
  const refs = values.map((v) => v.trim()).filter((v) => v !== "");
  if (refs.some((r) => r.toLowerCase() === "none")) {
    if (refs.length > 1) throw new QuerySyntaxError('"assigned:none" cannot be combined with other assignees');
    (result.assignees ??= []).push({ kind: "none", refs: [], negate });
    return;
  }
  (result.assignees ??= []).push({ kind: "to", refs, negate });
}
