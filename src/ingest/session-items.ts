import type { IngestJob } from "../process/types.ts";
import { InvalidSessionError, parseSessionAggregates, parseSessionUpdate } from "../sessions/parse.ts";
import { badRequest } from "../http/errors.ts";

/** The release-health item types: one session's update, and server-mode aggregates. */
export const SESSION_ITEM_TYPES: ReadonlySet<string> = new Set(["session", "sessions"]);

/**
 * Adds a parsed `session`/`sessions` item to the job. A session that breaks the protocol is a 400
 * naming the field; one older than Relay accepts (5 days) is dropped and counted as
 * `session.too_old` in the project's item counts, never silently.
 */
export function collectSessionItem(type: string, raw: unknown, job: IngestJob, sentAtSec: number | undefined): void {
  const ctx = { receivedAtSec: job.receivedAtMs / 1000, ...(sentAtSec !== undefined ? { sentAtSec } : {}) };
  try {
    if (type === "session") {
      const update = parseSessionUpdate(raw, ctx);
      if (update) (job.sessions ??= []).push(update);
      else _countDropped(job, 1);
    } else {
      const { aggregates, tooOld } = parseSessionAggregates(raw, ctx);
      if (aggregates.length) (job.sessionAggregates ??= []).push(...aggregates);
      if (tooOld) _countDropped(job, tooOld);
    }
  } catch (err) {
    if (err instanceof InvalidSessionError) throw badRequest(err.message);
    throw err;
  }
}

// --- Internal ---

function _countDropped(job: IngestJob, n: number): void {
  job.itemCounts.set("session.too_old", (job.itemCounts.get("session.too_old") ?? 0) + n);
}
