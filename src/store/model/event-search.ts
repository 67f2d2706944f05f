import type { NormalizedEvent } from "../../events/types.ts";
import type { StoredEvent } from "../stored-event.ts";

/** The event columns a search may filter, group or order by (the writer indexes them beside each payload). */
export const EVENT_COLUMNS = ["event_id", "project_id", "issue_id", "level", "release", "environment", "trace_id", "user_key", "title", "timestamp"] as const;
export type EventColumn = (typeof EVENT_COLUMNS)[number];

/**
 * One condition on a column. `like` takes patterns with `%` (callers escape `%`, `_` and `\`
 * with a backslash); `null`/`not_null` take no values. A negated condition keeps rows whose
 * column is NULL, as Sentry's `!key:value` does.
 */
export interface EventColumnCondition {
  column: EventColumn;
  op: "in" | "not_in" | "like" | "not_like" | "null" | "not_null" | "gt" | "gte" | "lt" | "lte";
  values: readonly (string | number)[];
}

/** Which events a search reads; every part narrows. */
export interface EventSearchFilter {
  projectIds: readonly number[];
  conditions: readonly EventColumnCondition[];
  /** only events of issues that have seen this tag value (`like`: a pattern, see above); a pre-filter, callers check each event */
  issueTags: readonly { key: string; value: string; like: boolean }[];
  /** words that must all appear in the title */
  text: readonly string[];
  /** seconds since epoch, inclusive */
  timeRange?: { startSec: number; endSec: number };
}

/** How rows are ordered: by arrival (row id), by timestamp, or by a column (then arrival); always a total order. */
export interface EventOrder {
  by: "arrival" | EventColumn;
  desc: boolean;
}

/** A page of a search: its order, where it starts and whether payloads are decoded. */
export interface EventPageOptions {
  order: EventOrder;
  offset: number;
  limit: number;
  withPayload: boolean;
  /** arrival order only: start after this row id (keyset), before `offset` is applied */
  afterId?: number;
}

/** An aggregate over the matching events of a group. */
export type EventAggregate =
  | { fn: "count" }
  | { fn: "count_unique"; column: EventColumn }
  | { fn: "max" | "min"; column: EventColumn };

export interface EventAggregateQuery {
  groupBy: readonly EventColumn[];
  /** computed as `a0`, `a1`, … in the rows returned */
  aggregates: readonly EventAggregate[];
  /** by a group column or an aggregate's alias (`a0`…) */
  orderBy: readonly { key: EventColumn | `a${number}`; desc: boolean }[];
  offset: number;
  limit: number;
}

/** An event's indexed columns, and its payload when asked for. */
export interface EventSummary extends Omit<StoredEvent, "event"> {
  level: string;
  release: string | null;
  environment: string | null;
  userKey: string | null;
  traceId: string | null;
  title: string;
  event?: NormalizedEvent;
}
