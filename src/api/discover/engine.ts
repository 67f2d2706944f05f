import type { EventAggregate, EventColumn, EventSearchFilter, EventSummary } from "../../store/model/event-search.ts";
import type { ApiDeps } from "../context.ts";
import type { TimeRange } from "../time-range.ts";
import { QuerySyntaxError } from "../search-syntax.ts";
import type { FieldSpec, FieldType, FieldValue } from "./fields.ts";
import type { CompiledSearch } from "./filter.ts";
import { countIfMatches, type FunctionSpec } from "./functions.ts";
import { collectEvents, findEvents } from "./scan.ts";

/** A requested column of the answer: a field, or an aggregate function. */
export type Selected = { kind: "field"; spec: FieldSpec } | { kind: "function"; spec: FunctionSpec };

export interface DiscoverPlanInput {
  selected: Selected[];
  search: CompiledSearch;
  /** `-name` descending; the names are selected columns */
  sort: { name: string; desc: boolean }[];
  timeRange?: TimeRange;
  offset: number;
  limit: number;
}

/** Raw values by column name (ids, epoch seconds), before presentation; whether more follow; whether the scan was cut. */
export interface DiscoverRows {
  rows: Map<string, FieldValue>[];
  nextOffset: number | null;
  partial: boolean;
}

/**
 * Runs a Discover query over stored error events. It picks the cheapest plan the request allows:
 * one SQL page (filters and order on columns), one GROUP BY (aggregates of columns), a batched
 * scan that checks payloads until the page is full (payload filters), or a bounded collection
 * sorted or aggregated in memory (orders and groups on payload fields).
 */
export async function runDiscover(deps: ApiDeps, input: DiscoverPlanInput): Promise<DiscoverRows> {
  const functions = input.selected.filter((s): s is Extract<Selected, { kind: "function" }> => s.kind === "function");
  return functions.length ? _aggregate(deps, input, functions.map((f) => f.spec)) : _events(deps, input);
}

/** The column type Sentry reports for a selected column. */
export function selectedType(s: Selected): FieldType {
  return s.spec.type;
}

// --- Internal ---

function _fields(input: DiscoverPlanInput): FieldSpec[] {
  return input.selected.flatMap((s) => (s.kind === "field" ? [s.spec] : []));
}

function _find(input: DiscoverPlanInput, name: string): Selected {
  const s = input.selected.find((x) => x.spec.name === name);
  if (!s) throw new QuerySyntaxError(`cannot sort by "${name.slice(0, 60)}": sort by one of the selected fields`);
  return s;
}

/** Event rows: newest first by default. Scoped to one issue, "timestamp" follows event time (an index); otherwise arrival. */
async function _events(deps: ApiDeps, input: DiscoverPlanInput): Promise<DiscoverRows> {
  const fields = _fields(input);
  const sort = input.sort[0] ?? { name: "timestamp", desc: true };
  const sortSpec = sort.name === "timestamp" ? undefined : (_find(input, sort.name).spec as FieldSpec);
  const needPayload = fields.some((f) => !f.column) || input.search.predicates.length > 0 || (sortSpec !== undefined && !sortSpec.column);
  const filter = input.search.filter;
  if (!sortSpec || sortSpec.column) {
    const by = sortSpec?.column ?? (_singleIssue(filter) ? "timestamp" : "arrival");
    const page = await findEvents(deps, filter, input.search.predicates, { order: { by, desc: sort.desc }, offset: input.offset, limit: input.limit, withPayload: needPayload });
    return { rows: page.rows.map((r) => _values(fields, r)), nextOffset: page.nextOffset, partial: page.partial };
  }
  const all = await collectEvents(deps, filter, input.search.predicates, true);
  const rows = all.rows.map((r) => _values(fields, r));
  rows.sort((a, b) => _compare(a.get(sort.name) ?? null, b.get(sort.name) ?? null, sort.desc));
  return _slice(rows, input, all.partial);
}

async function _aggregate(deps: ApiDeps, input: DiscoverPlanInput, functions: FunctionSpec[]): Promise<DiscoverRows> {
  const groups = _fields(input);
  const sorts = input.sort.length ? input.sort : [{ name: functions[0]!.name, desc: true }];
  for (const s of sorts) _find(input, s.name);
  const sqlAggregates = functions.map(_sqlAggregate);
  const inSql = input.search.predicates.length === 0 && groups.every((g) => g.column) && sqlAggregates.every((a) => a !== undefined);
  if (inSql) {
    const groupColumns = [...new Set(groups.map((g) => g.column!))];
    const raw = await deps.store.aggregateEvents(input.search.filter, {
      groupBy: groupColumns,
      aggregates: sqlAggregates as EventAggregate[],
      orderBy: sorts.map((s) => {
        const fi = functions.findIndex((f) => f.name === s.name);
        return { key: fi >= 0 ? (`a${fi}` as const) : groups.find((g) => g.name === s.name)!.column!, desc: s.desc };
      }),
      offset: input.offset,
      limit: input.limit + 1,
    });
    const rows = raw.map((r) => {
      const out = new Map<string, FieldValue>();
      for (const g of groups) out.set(g.name, r[g.column!] ?? null);
      functions.forEach((f, i) => out.set(f.name, _finishSql(f, r[`a${i}`] ?? null, input.timeRange)));
      return out;
    });
    const more = rows.length > input.limit;
    return { rows: rows.slice(0, input.limit), nextOffset: more ? input.offset + input.limit : null, partial: false };
  }
  const all = await collectEvents(deps, input.search.filter, input.search.predicates, true);
  const rows = _groupInMemory(all.rows, groups, functions, input.timeRange);
  rows.sort((a, b) => {
    for (const s of sorts) {
      const c = _compare(a.get(s.name) ?? null, b.get(s.name) ?? null, s.desc);
      if (c) return c;
    }
    return 0;
  });
  return _slice(rows, input, all.partial);
}

function _slice(rows: Map<string, FieldValue>[], input: DiscoverPlanInput, partial: boolean): DiscoverRows {
  const page = rows.slice(input.offset, input.offset + input.limit);
  return { rows: page, nextOffset: rows.length > input.offset + input.limit ? input.offset + input.limit : null, partial };
}

function _values(fields: FieldSpec[], row: EventSummary): Map<string, FieldValue> {
  return new Map(fields.map((f) => [f.name, f.read(row, row.event)]));
}

function _singleIssue(filter: EventSearchFilter): boolean {
  return filter.conditions.some((c) => c.column === "issue_id" && c.op === "in" && c.values.length === 1);
}

function _sqlAggregate(f: FunctionSpec): EventAggregate | undefined {
  switch (f.fn) {
    case "count": case "eps": case "epm": return { fn: "count" };
    case "last_seen": return { fn: "max", column: "timestamp" };
    case "first_seen": return { fn: "min", column: "timestamp" };
    case "max": case "min": return { fn: f.fn, column: "timestamp" };
    case "count_unique": return f.arg?.column ? { fn: "count_unique", column: f.arg.column as EventColumn } : undefined;
    default: return undefined;
  }
}

function _finishSql(f: FunctionSpec, v: string | number | null, range: TimeRange | undefined): FieldValue {
  if (v === null) return null;
  if (f.fn === "eps" || f.fn === "epm") return _rate(Number(v), f.fn, range);
  return typeof v === "string" ? v : Number(v);
}

/** events per second or minute over the request's window (no window: the count itself over one unit). */
function _rate(count: number, fn: "eps" | "epm", range: TimeRange | undefined): number {
  const seconds = range ? Math.max(1, range.endSec - range.startSec) : fn === "eps" ? 1 : 60;
  return count / (fn === "eps" ? seconds : seconds / 60);
}

function _groupInMemory(events: EventSummary[], groups: FieldSpec[], functions: FunctionSpec[], range: TimeRange | undefined): Map<string, FieldValue>[] {
  interface Acc { values: FieldValue[]; count: number; uniques: Set<string>[]; max: number; min: number; ifs: number[] }
  const byKey = new Map<string, Acc>();
  for (const ev of events) {
    const values = groups.map((g) => g.read(ev, ev.event));
    const key = JSON.stringify(values);
    let acc = byKey.get(key);
    if (!acc) {
      acc = { values, count: 0, uniques: functions.map(() => new Set<string>()), max: -Infinity, min: Infinity, ifs: functions.map(() => 0) };
      byKey.set(key, acc);
    }
    acc.count++;
    acc.max = Math.max(acc.max, ev.timestampSec);
    acc.min = Math.min(acc.min, ev.timestampSec);
    functions.forEach((f, i) => {
      if (f.fn === "count_unique") {
        const v = f.arg!.read(ev, ev.event);
        if (v !== null && !(Array.isArray(v) && v.length === 0)) acc!.uniques[i]!.add(JSON.stringify(v));
      } else if (f.fn === "count_if" && countIfMatches(f.arg!.read(ev, ev.event), f.condition!)) {
        acc!.ifs[i]!++;
      }
    });
  }
  return [...byKey.values()].map((acc) => {
    const out = new Map<string, FieldValue>();
    groups.forEach((g, i) => out.set(g.name, acc.values[i] ?? null));
    functions.forEach((f, i) => {
      const value: FieldValue = f.fn === "count" ? acc.count
        : f.fn === "count_unique" ? acc.uniques[i]!.size
        : f.fn === "count_if" ? acc.ifs[i]!
        : f.fn === "last_seen" || f.fn === "max" ? acc.max
        : f.fn === "first_seen" || f.fn === "min" ? acc.min
        : _rate(acc.count, f.fn, range);
      out.set(f.name, value);
    });
    return out;
  });
}

/** Orders values: numbers numerically, everything else as text; nulls last either way. */
function _compare(a: FieldValue, b: FieldValue, desc: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const c = typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
  return desc ? -c : c;
}
