import { z } from "zod";
import type { ClientDiscard } from "../process/types.ts";

/** Bytes kept of one `client_report` item (Relay's limit is 4 KiB; SDKs stay far below this). */
export const MAX_CLIENT_REPORT_BYTES = 64 * 1024;

const discardSchema = z.object({
  reason: z.string().min(1).max(64),
  category: z.string().min(1).max(64),
  quantity: z.number().int().positive().max(1e9),
});

const reportSchema = z.object({
  timestamp: z.union([z.number(), z.string()]).optional(),
  discarded_events: z.array(z.unknown()).max(1000).optional(),
});

/**
 * The `discarded_events` of a client report (docs/sentry-protocol.md §5):
 * `{"timestamp": …, "discarded_events": [{"reason": "ratelimit_backoff", "category": "error", "quantity": 3}]}`.
 * Entries that do not have that shape are skipped (a client report is diagnostics: it must never
 * make the envelope it rides in fail); the number skipped is returned so the caller can log it.
 */
export function parseClientReport(payload: Buffer): { discards: ClientDiscard[]; skipped: number } {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString("utf8"));
  } catch {
    return { discards: [], skipped: 1 };
  }
  const report = reportSchema.safeParse(raw);
  if (!report.success) return { discards: [], skipped: 1 };
  const discards: ClientDiscard[] = [];
  let skipped = 0;
  for (const entry of report.data.discarded_events ?? []) {
    const d = discardSchema.safeParse(entry);
    if (d.success) discards.push(d.data);
    else skipped++;
  }
  return { discards, skipped };
}
