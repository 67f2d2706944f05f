import type { NormalizedEvent } from "../../events/types.ts";
import { decodeEventData } from "../event-codec.ts";
import type { Store } from "../types.ts";
import { EVENT_COLUMNS, type EventAggregate, type EventColumn, type EventColumnCondition, type EventSearchFilter, type EventSummary } from "../model/event-search.ts";
import type { PgDb } from "./pg-db.ts";

/**
 * Event search on PostgreSQL over the columns stored beside each payload, as the SQLite store does
 * it: SQL built only from the whitelisted column names and placeholders; `like` without case.
 */
export function createPgEventSearch(db: PgDb) {
  const methods = {
    async searchEvents(filter, opts) {
      const where = _where(filter);
      if (!where) return [];
      const dir = opts.order.desc ? "DESC" : "ASC";
      const order = opts.order.by === "arrival" ? `id ${dir}` : `${_column(opts.order.by)} ${dir}, id ${dir}`;
      const { params } = where;
      if (opts.afterId !== undefined) {
        if (opts.order.by !== "arrival") throw new Error("afterId pages only the arrival order");
        where.sql += ` AND id ${opts.order.desc ? "<" : ">"} $${params.push(opts.afterId)}`;
      }
      const sql = `SELECT id, project_id, issue_id, event_id, timestamp, received_at, level, release, environment, user_key, trace_id, title
        ${opts.withPayload ? ", data" : ""} FROM events WHERE ${where.sql} ORDER BY ${order}
        LIMIT $${params.push(opts.limit)} OFFSET $${params.push(opts.offset)}`;
      return (await db.rows(sql, params)).map(_summary);
    },
    async aggregateEvents(filter, q) {
      const where = _where(filter);
      if (!where) return [];
      const groups = q.groupBy.map(_column);
      const aggregates = q.aggregates.map((a, i) => `${_aggregate(a)} AS a${i}`);
      const orderBy = q.orderBy.map((o) => `${/^a\d+$/.test(o.key) ? o.key : _column(o.key as EventColumn)} ${o.desc ? "DESC" : "ASC"}`);
      const { params } = where;
      const sql = `SELECT ${[...groups, ...aggregates].join(", ")} FROM events WHERE ${where.sql}
        ${groups.length ? `GROUP BY ${groups.join(", ")}` : ""} ${orderBy.length ? `ORDER BY ${orderBy.join(", ")}` : ""}
        LIMIT $${params.push(q.limit)} OFFSET $${params.push(q.offset)}`;
      return db.rows<Record<string, string | number | null>>(sql, params);
    },
    hasTagKey: async (key) => (await db.first("SELECT 1 FROM issue_tag_values WHERE key = $1 LIMIT 1", [key])) !== undefined,
  } satisfies Partial<Store>;
  return methods as Pick<Store, keyof typeof methods>;
}

// --- Internal ---

const OPS: Record<EventColumnCondition["op"], string> = {
  in: "IN", not_in: "NOT IN", like: "ILIKE", not_like: "NOT ILIKE", null: "IS NULL", not_null: "IS NOT NULL", gt: ">", gte: ">=", lt: "<", lte: "<=",
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

/** The WHERE clause and its parameters ($1…), or undefined when nothing can match. */
function _where(filter: EventSearchFilter): { sql: string; params: unknown[] } | undefined {
  if (filter.projectIds.length === 0) return undefined;
  const params: unknown[] = [];
  const p = (value: unknown) => `$${params.push(value)}`;
  const where = [`project_id = ANY(${p(filter.projectIds)}::bigint[])`];
  for (const c of filter.conditions) {
    const column = _column(c.column);
    if (c.op === "null" || c.op === "not_null") {
      where.push(`${column} ${OPS[c.op]}`);
    } else if (c.op === "in" || c.op === "not_in") {
      if (c.values.length === 0) {
        if (c.op === "in") return undefined;
        continue;
      }
      const list = `(${c.values.map(p).join(", ")})`;
      where.push(c.op === "in" ? `${column} IN ${list}` : `(${column} IS NULL OR ${column} NOT IN ${list})`);
    } else if (c.op === "like" || c.op === "not_like") {
      const likes = c.values.map((v) => `${column} ILIKE ${p(v)} ESCAPE '\\'`);
      where.push(c.op === "like" ? `(${likes.join(" OR ")})` : `(${column} IS NULL OR NOT (${likes.join(" OR ")}))`);
    } else {
      where.push(`${column} ${OPS[c.op]} ${p(c.values[0])}`);
    }
  }
  for (const tag of filter.issueTags) {
    where.push(`issue_id IN (SELECT t.issue_id FROM issue_tag_values t WHERE t.key = ${p(tag.key)} AND t.value ${tag.like ? `ILIKE ${p(tag.value)} ESCAPE '\\'` : `= ${p(tag.value)}`})`);
  }
  for (const word of filter.text) where.push(`title ILIKE ${p(`%${word.replace(/[\\%_]/g, (ch) => "\\" + ch)}%`)} ESCAPE '\\'`);
  if (filter.timeRange) where.push(`timestamp >= ${p(filter.timeRange.startSec)} AND timestamp <= ${p(filter.timeRange.endSec)}`);
  return { sql: where.join(" AND "), params };
}

function _summary(r: Record<string, unknown>): EventSummary {
  const out: EventSummary = {
    id: Number(r.id), projectId: Number(r.project_id), issueId: Number(r.issue_id), eventId: String(r.event_id),
    timestampSec: Number(r.timestamp), receivedAtSec: Number(r.received_at), level: String(r.level),
    release: r.release === null ? null : String(r.release), environment: r.environment === null ? null : String(r.environment),
    userKey: r.user_key === null ? null : String(r.user_key), traceId: r.trace_id === null ? null : String(r.trace_id), title: String(r.title),
  };
  if (r.data !== undefined) out.event = JSON.parse(decodeEventData(r.data as Buffer)) as NormalizedEvent;
  return out;
}
