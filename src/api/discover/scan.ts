import type { EventOrder, EventSearchFilter, EventSummary } from "../../store/model/event-search.ts";
import type { ApiDeps } from "../context.ts";
import type { EventPredicate } from "./filter.ts";

/** events; the most a search decodes and checks one by one before it answers with what it found */
export const MAX_SCANNED_EVENTS = 50_000;
/** events read per SQL round while scanning */
const SCAN_BATCH = 500;

/** A page of events and where the next one starts (null: no more). `partial`: the scan stopped at its bound. */
export interface EventPage {
  rows: EventSummary[];
  nextOffset: number | null;
  partial: boolean;
}

/**
 * Events matching a filter and per-event predicates, in SQL order, from `offset` (rows of the SQL
 * order already consumed). Without predicates this is one query; with them the payloads are read
 * in batches and checked until the page is full, the events run out or the scan bound is reached.
 */
export async function findEvents(deps: ApiDeps, filter: EventSearchFilter, predicates: EventPredicate[], opts: {
  order: EventOrder; offset: number; limit: number; withPayload: boolean;
}): Promise<EventPage> {
  if (predicates.length === 0) {
    const rows = await deps.store.searchEvents(filter, { ...opts, limit: opts.limit + 1 });
    const more = rows.length > opts.limit;
    return { rows: rows.slice(0, opts.limit), nextOffset: more ? opts.offset + opts.limit : null, partial: false };
  }
  const found: EventSummary[] = [];
  let position = opts.offset;
  let scanned = 0;
  let lastId: number | undefined;
  for (;;) {
    // in arrival order the next batch continues after the last row read (keyset); other orders skip by offset
    const batch = await deps.store.searchEvents(filter, {
      order: opts.order, withPayload: true, limit: SCAN_BATCH,
      ...(opts.order.by === "arrival" && lastId !== undefined ? { afterId: lastId, offset: 0 } : { offset: position }),
    });
    for (const row of batch) {
      lastId = row.id;
      if (predicates.every((p) => p(row, row.event))) {
        if (found.length === opts.limit) return { rows: found, nextOffset: position, partial: false };
        found.push(row);
      }
      position++;
      scanned++;
    }
    if (batch.length < SCAN_BATCH) return { rows: found, nextOffset: null, partial: false };
    if (scanned >= MAX_SCANNED_EVENTS) return { rows: found, nextOffset: position, partial: true };
  }
}

/**
 * Every event matching (up to the scan bound), for answers that need them all at once: sorts by
 * payload fields and aggregates over them. `partial` says the bound cut the scan short.
 */
export async function collectEvents(deps: ApiDeps, filter: EventSearchFilter, predicates: EventPredicate[], withPayload: boolean): Promise<{ rows: EventSummary[]; partial: boolean }> {
  const rows: EventSummary[] = [];
  let lastId: number | undefined;
  for (let scanned = 0; scanned < MAX_SCANNED_EVENTS; scanned += SCAN_BATCH) {
    const batch = await deps.store.searchEvents(filter, {
      order: { by: "arrival", desc: true }, offset: 0, limit: SCAN_BATCH, withPayload, ...(lastId !== undefined ? { afterId: lastId } : {}),
    });
    for (const row of batch) if (predicates.every((p) => p(row, row.event))) rows.push(row);
    if (batch.length < SCAN_BATCH) return { rows, partial: false };
    lastId = batch.at(-1)!.id;
  }
  return { rows, partial: true };
}
