import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { StoredEvent } from "../types.ts";
import { decodeEventData } from "../event-codec.ts";

/** Event reads: per-issue listing (newest or oldest first), lookup by event id, neighbours. */
export function createEventQueries(db: SqliteDatabase) {
  const columns = "id, project_id, issue_id, event_id, timestamp, received_at, data";
  const stmt = {
    newest: db.prepare(`SELECT ${columns} FROM events WHERE issue_id = ? ORDER BY timestamp DESC, id DESC LIMIT ? OFFSET ?`),
    oldest: db.prepare(`SELECT ${columns} FROM events WHERE issue_id = ? ORDER BY timestamp ASC, id ASC LIMIT ? OFFSET ?`),
    byEventId: db.prepare(`SELECT ${columns} FROM events WHERE project_id = ? AND event_id = ?`),
    previous: db.prepare(`SELECT event_id FROM events WHERE issue_id = ? AND (timestamp < ? OR (timestamp = ? AND id < ?))
        ORDER BY timestamp DESC, id DESC LIMIT 1`).pluck(),
    next: db.prepare(`SELECT event_id FROM events WHERE issue_id = ? AND (timestamp > ? OR (timestamp = ? AND id > ?))
        ORDER BY timestamp ASC, id ASC LIMIT 1`).pluck(),
  };
  return {
    listIssueEvents(issueId: number, opts: { offset: number; limit: number; newestFirst: boolean }): StoredEvent[] {
      return (opts.newestFirst ? stmt.newest : stmt.oldest).all(issueId, opts.limit, opts.offset).map(_event);
    },
    getEvent(projectId: number, eventId: string): StoredEvent | undefined {
      const row = stmt.byEventId.get(projectId, eventId);
      return row ? _event(row) : undefined;
    },
    adjacentEventIds(issueId: number, ev: StoredEvent): { previous: string | null; next: string | null } {
      const previous = stmt.previous.get(issueId, ev.timestampSec, ev.timestampSec, ev.id) as string | undefined;
      const next = stmt.next.get(issueId, ev.timestampSec, ev.timestampSec, ev.id) as string | undefined;
      return { previous: previous ?? null, next: next ?? null };
    },
  };
}

// --- Internal ---

function _event(r: unknown): StoredEvent {
  const row = r as Record<string, unknown>;
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    issueId: Number(row.issue_id),
    eventId: String(row.event_id),
    timestampSec: Number(row.timestamp),
    receivedAtSec: Number(row.received_at),
    event: JSON.parse(decodeEventData(row.data as Buffer | string)),
  };
}
