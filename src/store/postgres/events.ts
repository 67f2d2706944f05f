import type { StoredEvent, Store } from "../types.ts";
import { decodeEventData } from "../event-codec.ts";
import { pgStatement, type PgDb } from "./pg-db.ts";

/** Event reads on PostgreSQL: per-issue listing (newest or oldest first), lookup by event id, neighbours. */
export function createPgEventQueries(db: PgDb) {
  const columns = "id, project_id, issue_id, event_id, timestamp, received_at, data";
  const stmt = {
    newest: pgStatement("events.newest", `SELECT ${columns} FROM events WHERE issue_id = $1 ORDER BY timestamp DESC, id DESC LIMIT $2 OFFSET $3`),
    oldest: pgStatement("events.oldest", `SELECT ${columns} FROM events WHERE issue_id = $1 ORDER BY timestamp ASC, id ASC LIMIT $2 OFFSET $3`),
    byEventId: pgStatement("events.byEventId", `SELECT ${columns} FROM events WHERE project_id = $1 AND event_id = $2`),
    previous: pgStatement("events.previous", `SELECT event_id FROM events WHERE issue_id = $1 AND (timestamp < $2 OR (timestamp = $2 AND id < $3))
      ORDER BY timestamp DESC, id DESC LIMIT 1`),
    next: pgStatement("events.next", `SELECT event_id FROM events WHERE issue_id = $1 AND (timestamp > $2 OR (timestamp = $2 AND id > $3))
      ORDER BY timestamp ASC, id ASC LIMIT 1`),
  };
  const methods = {
    listIssueEvents: async (issueId, opts) => (await db.rows(opts.newestFirst ? stmt.newest : stmt.oldest, [issueId, opts.limit, opts.offset])).map(_event),
    async getEvent(projectId, eventId) {
      const row = await db.first(stmt.byEventId, [projectId, eventId]);
      return row ? _event(row) : undefined;
    },
    async adjacentEventIds(issueId, ev) {
      const [previous, next] = await Promise.all([
        db.first<{ event_id: string }>(stmt.previous, [issueId, ev.timestampSec, ev.id]),
        db.first<{ event_id: string }>(stmt.next, [issueId, ev.timestampSec, ev.id]),
      ]);
      return { previous: previous?.event_id ?? null, next: next?.event_id ?? null };
    },
  } satisfies Partial<Store>;
  return methods as Pick<Store, keyof typeof methods>;
}

// --- Internal ---

function _event(row: Record<string, unknown>): StoredEvent {
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    issueId: Number(row.issue_id),
    eventId: String(row.event_id),
    timestampSec: Number(row.timestamp),
    receivedAtSec: Number(row.received_at),
    event: JSON.parse(decodeEventData(row.data as Buffer)),
  };
}
