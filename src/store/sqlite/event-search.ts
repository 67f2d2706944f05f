import type { NormalizedEvent } from "../../events/types.ts";
import { decodeEventData } from "../event-codec.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import { EVENT_COLUMNS, type EventColumn, type EventColumnCondition, type EventSearchFilter, type EventAggregate, type EventAggregateQuery, type EventPageOptions, type EventSummary } from "../model/event-search.ts";

/**
 * Event search over the columns the writer stores beside each payload: rows (optionally with
 * their decoded payloads) and GROUP BY aggregates. SQL is built only from the whitelisted column
 * names above and placeholders; every value is a parameter.
 */
export function createEventSearch(db: SqliteDatabase) {
  const cache = new Map<string, ReturnType<SqliteDatabase["prepare"]>>();
  const prepare = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      if (cache.size > 200) cache.clear();
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const hasTagKey = db.prepare("SELECT 1 FROM issue_tag_values WHERE key = ? LIMIT 1").pluck();
  return {
    searchEvents(filter: EventSearchFilter, opts: EventPageOptions): EventSummary[] {
      const where = _where(filter);
      if (!where) return [];
      if (opts.afterId !== undefined) {
        if (opts.order.by !== "arrival") throw new Error("afterId pages only the arrival order");
        where.sql += ` AND id ${opts.order.desc ? "<" : ">"} ?`;
        where.params.push(opts.afterId);
      }
      const dir = opts.order.desc ? "DESC" : "ASC";
      const order = opts.order.by === "arrival" ? `id ${dir}` : `${_column(opts.order.by)} ${dir}, id ${dir}`;
      const sql = `SELECT id, project_id, issue_id, event_id, timestamp, received_at, level, release, environment, user_key, trace_id, title
        ${opts.withPayload ? ", data" : ""} FROM events WHERE ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`;
      return (prepare(sql).all([...where.params, opts.limit, opts.offset]) as Record<string, unknown>[]).map(_summary);
    },
    aggregateEvents(filter: EventSearchFilter, q: EventAggregateQuery): Record<string, string | number | null>[] {
      const where = _where(filter);
      if (!where) return [];
      const groups = q.groupBy.map(_column);
      const aggregates = q.aggregates.map((a, i) => `${_aggregate(a)} AS a${i}`);
      const orderBy = q.orderBy.map((o) => `${/^a\d+$/.test(o.key) ? o.key : _column(o.key as EventColumn)} ${o.desc ? "DESC" : "ASC"}`);
      const sql = `SELECT ${[...groups, ...aggregates].join(", ")} FROM events WHERE ${where.sql}
        ${groups.length ? `GROUP BY ${groups.join(", ")}` : ""} ${orderBy.length ? `ORDER BY ${orderBy.join(", ")}` : ""} LIMIT ? OFFSET ?`;
      return prepare(sql).all([...where.params, q.limit, q.offset]) as Record<string, string | number | null>[];
    },
    /** Whether any issue has seen a tag with this key (tells a tag from a typo). */
    hasTagKey(key: string): boolean {
      return hasTagKey.get(key) !== undefined;
    },
  };
}

// --- Internal ---

const OPS: Record<EventColumnCondition["op"], string> = {
  in: "IN", not_in: "NOT IN", like: "LIKE", not_like: "NOT LIKE", null: "IS NULL", not_null: "IS NOT NULL", gt: ">", gte: ">=", lt: "<", lte: "<=",
};

function _column(name: EventColumn): string {
  if (!(EVENT_COLUMNS as readonly string[]).includes(name)) throw new Error(`not an event column: ${name}`);
  return name;
}

function _aggregate(a: EventAggregate): string {
  if (a.fn === "count") return "count(*)";
  if (a.fn === "count_unique") return `count(DISTINCT ${_column(a.column)})`;
  return `${a.fn === "max" ? "max" : "min"}(${_column(a.column)})`;
}

/** The WHERE clause and its parameters, or undefined when nothing can match. */
function _where(filter: EventSearchFilter): { sql: string; params: unknown[] } | undefined {
  if (filter.projectIds.length === 0) return undefined;
  const where = [`project_id IN (${filter.projectIds.map(() => "?").join(", ")})`];
  const params: unknown[] = [...filter.projectIds];
  for (const c of filter.conditions) {
    const column = _column(c.column);
    if (c.op === "null" || c.op === "not_null") {
      where.push(`${column} ${OPS[c.op]}`);
    } else if (c.op === "in" || c.op === "not_in") {
      if (c.values.length === 0) {
        if (c.op === "in") return undefined;
        continue;
      }
      const list = `(${c.values.map(() => "?").join(", ")})`;
      where.push(c.op === "in" ? `${column} IN ${list}` : `(${column} IS NULL OR ${column} NOT IN ${list})`);
      params.push(...c.values);
    } else if (c.op === "like" || c.op === "not_like") {
      const likes = c.values.map(() => `${column} LIKE ? ESCAPE '\\'`);
      where.push(c.op === "like" ? `(${likes.join(" OR ")})` : `(${column} IS NULL OR NOT (${likes.join(" OR ")}))`);
      params.push(...c.values);
    } else {
      where.push(`${column} ${OPS[c.op]} ?`);
      params.push(c.values[0]);
    }
  }
  for (const tag of filter.issueTags) {
    where.push(`issue_id IN (SELECT t.issue_id FROM issue_tag_values t WHERE t.key = ? AND t.value ${tag.like ? "LIKE ? ESCAPE '\\'" : "= ?"})`);
    params.push(tag.key, tag.value);
  }
  for (const word of filter.text) {
    where.push("title LIKE ? ESCAPE '\\'");
    params.push(`%${word.replace(/[\\%_]/g, (ch) => "\\" + ch)}%`);
  }
  if (filter.timeRange) {
    where.push("timestamp >= ? AND timestamp <= ?");
    params.push(filter.timeRange.startSec, filter.timeRange.endSec);
  }
  return { sql: where.join(" AND "), params };
}

function _summary(r: Record<string, unknown>): EventSummary {
  const out: EventSummary = {
    id: Number(r.id), projectId: Number(r.project_id), issueId: Number(r.issue_id), eventId: String(r.event_id),
    timestampSec: Number(r.timestamp), receivedAtSec: Number(r.received_at), level: String(r.level),
    release: r.release === null ? null : String(r.release), environment: r.environment === null ? null : String(r.environment),
    userKey: r.user_key === null ? null : String(r.user_key), traceId: r.trace_id === null ? null : String(r.trace_id), title: String(r.title),
  };
  if (r.data !== undefined) out.event = JSON.parse(decodeEventData(r.data as Buffer | string)) as NormalizedEvent;
  return out;
}
