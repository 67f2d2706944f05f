import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { StoredEvent } from "./stored-event.ts";

/** Which events `searchEvents` returns; every list narrows (undefined = no condition). */
export interface EventSearchFilter {
  projectIds: readonly number[];
  /** conditions on the indexed columns; `negate` excludes the values instead */
  conditions: { column: "level" | "release" | "environment" | "trace_id" | "user_key" | "issue_id"; values: readonly (string | number)[]; negate: boolean }[];
  /** words that must all appear in the title */
  text: readonly string[];
  /** seconds since epoch: only events received since */
  receivedSince?: number;
  newestFirst: boolean;
  offset: number;
  limit: number;
}

/** An event's indexed columns, without its payload. */
export interface EventSummary extends Omit<StoredEvent, "event"> {
  level: string;
  release: string | null;
  environment: string | null;
  userKey: string | null;
  traceId: string | null;
  title: string;
}

/**
 * Event search over the columns the writer indexes beside each payload. Ordered by arrival (row
 * id), so the newest page is read backwards from the end without a sort; filters narrow the scan.
 */
export function createEventSearch(db: SqliteDatabase) {
  const cache = new Map<string, ReturnType<SqliteDatabase["prepare"]>>();
  const prepare = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      if (cache.size > 100) cache.clear();
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  return {
    searchEvents(filter: EventSearchFilter): EventSummary[] {
      if (filter.projectIds.length === 0) return [];
      const where = [`project_id IN (${filter.projectIds.map(() => "?").join(", ")})`];
      const params: unknown[] = [...filter.projectIds];
      for (const c of filter.conditions) {
        if (c.values.length === 0) continue;
        where.push(`${c.negate ? "coalesce(" + c.column + ", '') NOT IN" : c.column + " IN"} (${c.values.map(() => "?").join(", ")})`);
        params.push(...c.values);
      }
      for (const word of filter.text) {
        where.push("title LIKE ? ESCAPE '\\'");
        params.push(`%${word.replace(/[\\%_]/g, (ch) => "\\" + ch)}%`);
      }
      if (filter.receivedSince !== undefined) {
        where.push("received_at >= ?");
        params.push(filter.receivedSince);
      }
      const sql = `SELECT id, project_id, issue_id, event_id, timestamp, received_at, level, release, environment, user_key, trace_id, title
        FROM events WHERE ${where.join(" AND ")} ORDER BY id ${filter.newestFirst ? "DESC" : "ASC"} LIMIT ? OFFSET ?`;
      return (prepare(sql).all([...params, filter.limit, filter.offset]) as Record<string, unknown>[]).map((r) => ({
        id: Number(r.id), projectId: Number(r.project_id), issueId: Number(r.issue_id), eventId: String(r.event_id),
        timestamp: Number(r.timestamp), receivedAt: Number(r.received_at), level: String(r.level),
        release: r.release === null ? null : String(r.release), environment: r.environment === null ? null : String(r.environment),
        userKey: r.user_key === null ? null : String(r.user_key), traceId: r.trace_id === null ? null : String(r.trace_id), title: String(r.title),
      }));
    },
  };
}
