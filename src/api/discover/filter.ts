import type { NormalizedEvent } from "../../events/types.ts";
import { parseTimestamp } from "../../events/timestamps.ts";
import type { EventColumnCondition, EventSearchFilter, EventSummary } from "../../store/model/event-search.ts";
import type { Project } from "../../store/types.ts";
import { QuerySyntaxError, type SearchToken } from "../search-syntax.ts";
import { parseStatsPeriod } from "../time-range.ts";
import type { FieldSpec, FieldValue } from "./fields.ts";

/** A check the stored columns cannot answer, run on each event's payload. */
export type EventPredicate = (row: EventSummary, event: NormalizedEvent | undefined) => boolean;

/** A search split into what SQL narrows and what is checked per event. */
export interface CompiledSearch {
  filter: EventSearchFilter;
  predicates: EventPredicate[];
  /** the fields the query names, for validation answers */
  fields: FieldSpec[];
}

/** What compiling needs from outside: field names to specs, and issue short ids to ids. */
export interface SearchResolver {
  field(name: string): Promise<FieldSpec>;
  issueId(ref: string): Promise<number | undefined>;
  projects: Project[];
  nowSec: number;
}

/**
 * Compiles search tokens into a store filter plus per-event predicates. Column fields become SQL
 * conditions; payload fields and tags become predicates, a positive tag match also narrows to
 * the issues that have seen that tag value. Throws QuerySyntaxError with the reason.
 */
export async function compileSearch(tokens: SearchToken[], base: EventSearchFilter, r: SearchResolver): Promise<CompiledSearch> {
  const conditions: EventColumnCondition[] = [...base.conditions];
  const issueTags = [...base.issueTags];
  const text = [...base.text];
  let projectIds = [...base.projectIds];
  const predicates: EventPredicate[] = [];
  const fields: FieldSpec[] = [];
  for (const t of tokens) {
    if (t.kind === "text") {
      text.push(t.value);
      continue;
    }
    const key = t.key;
    if (key === "is") throw new QuerySyntaxError("events have no status: is: filters apply to issues (issue search), not events");
    if (key === "has") {
      for (const name of t.values) {
        const spec = await r.field(name);
        fields.push(spec);
        if (spec.column) conditions.push({ column: spec.column, op: t.negate ? "null" : "not_null", values: [] });
        else predicates.push((row, ev) => _present(spec.read(row, ev)) !== t.negate);
      }
      continue;
    }
    if (key === "project" || key === "project.name" || key === "project.id") {
      const ids = t.values.map((v) => r.projects.find((p) => p.slug === v || String(p.id) === v || p.name === v)?.id ?? -1);
      projectIds = projectIds.filter((id) => ids.includes(id) !== t.negate);
      continue;
    }
    if (key === "timestamp" || key === "event.timestamp") {
      conditions.push(..._timeConditions(t, r.nowSec));
      continue;
    }
    const spec = await r.field(key);
    fields.push(spec);
    if (t.op !== "=") throw new QuerySyntaxError(`"${key}:${t.op}…": only timestamp can be compared with < and >`);
    const values = t.values;
    if (key === "issue" || key === "issue.id") {
      const ids: number[] = [];
      for (const v of values) ids.push(key === "issue.id" ? _integer(key, v) : (await r.issueId(v)) ?? -1);
      conditions.push({ column: "issue_id", op: t.negate ? "not_in" : "in", values: ids });
      continue;
    }
    if (key === "user.id" && !values.some((v) => v.includes("*"))) {
      // the user column holds the strongest identity, and an id always wins, so `id:<v>` is exact
      conditions.push({ column: "user_key", op: t.negate ? "not_in" : "in", values: values.map((v) => `id:${v}`) });
      continue;
    }
    if (spec.column && spec.type !== "integer" && spec.column !== "project_id") {
      const normalized = values.map((v) => (spec.column === "level" ? v.toLowerCase() : spec.column === "trace_id" ? v.replace(/-/g, "").toLowerCase() : v));
      const wild = normalized.some((v) => v.includes("*"));
      conditions.push(wild
        ? { column: spec.column, op: t.negate ? "not_like" : "like", values: normalized.map(_likePattern) }
        : { column: spec.column, op: t.negate ? "not_in" : "in", values: normalized });
      continue;
    }
    const match = _matcher(values);
    predicates.push((row, ev) => match(spec.read(row, ev)) !== t.negate);
    if (!t.negate && spec.type === "string" && !spec.column && !FIELD_NAMES_NOT_TAGS.has(spec.name) && values.length === 1) {
      issueTags.push({ key: _tagKeyOf(spec.name), value: values[0]!.includes("*") ? _likePattern(values[0]!) : values[0]!, like: values[0]!.includes("*") });
    }
  }
  return { filter: { ...base, projectIds, conditions, issueTags, text }, predicates, fields };
}

/** Whether a field value counts as present (`has:`): not null, not empty. */
export function fieldPresent(v: FieldValue): boolean {
  return _present(v);
}

// --- Internal ---

/** Named payload fields; every other payload string field is a tag, which narrows through the issue tag index. */
const FIELD_NAMES_NOT_TAGS = new Set([
  "message", "culprit", "platform", "event.type", "trace.span", "trace.parent_span", "user.id", "user.email", "user.username",
  "user.ip", "user.name", "user.display", "sdk.name", "sdk.version", "http.method", "http.url", "dist", "logger", "server_name", "transaction",
]);

function _tagKeyOf(name: string): string {
  return /^tags\[(.+)\]$/.exec(name)?.[1] ?? name;
}

function _present(v: FieldValue): boolean {
  return v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);
}

function _integer(key: string, v: string): number {
  if (!/^\d{1,15}$/.test(v)) throw new QuerySyntaxError(`${key} must be a number, not "${v.slice(0, 40)}"`);
  return Number(v);
}

/** Sentry's `*` wildcard as a LIKE pattern (other LIKE characters escaped). */
function _likePattern(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => "\\" + ch).replace(/\*/g, "%");
}

/** A value matcher: any of the values, `*` as a wildcard (case-insensitive), booleans by their usual spellings. */
function _matcher(values: string[]): (v: FieldValue) => boolean {
  const tests = values.map((want) => {
    if (want.includes("*")) {
      const re = new RegExp("^" + want.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$", "is");
      return (s: string) => re.test(s);
    }
    const bool = /^(true|1|yes)$/i.test(want) ? "true" : /^(false|0|no)$/i.test(want) ? "false" : undefined;
    return (s: string) => s === want || (bool !== undefined && s === bool);
  });
  const one = (x: string | number | boolean) => tests.some((test) => test(String(x)));
  return (v) => (v === null ? false : Array.isArray(v) ? v.some(one) : one(v));
}

/** `timestamp:>2024-05-01T00:00:00`, `timestamp:<=…`, or a relative `timestamp:-24h` (within the last 24 hours). */
function _timeConditions(t: Extract<SearchToken, { kind: "filter" }>, nowSec: number): EventColumnCondition[] {
  if (t.negate || t.values.length !== 1) throw new QuerySyntaxError("timestamp takes one value, as timestamp:>2024-05-01T00:00:00 or timestamp:-24h");
  const raw = t.values[0]!;
  const relative = /^-(\d+[smhdw])$/.exec(raw);
  if (relative) return [{ column: "timestamp", op: "gte", values: [nowSec - parseStatsPeriod(relative[1]!)] }];
  const at = parseTimestamp(raw);
  if (at === undefined) throw new QuerySyntaxError(`timestamp "${raw.slice(0, 40)}" is not a date (use ISO 8601 or -24h)`);
  if (t.op === "=") return [{ column: "timestamp", op: "gte", values: [at] }, { column: "timestamp", op: "lt", values: [at + 1] }];
  const op = ({ ">": "gt", ">=": "gte", "<": "lt", "<=": "lte" } as const)[t.op];
  return [{ column: "timestamp", op, values: [at] }];
}
