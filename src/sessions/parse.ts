import { randomUUID } from "node:crypto";
import { z } from "zod";
import { computeClockDrift, MAX_SECONDS_IN_FUTURE, parseTimestamp } from "../events/timestamps.ts";
import { InvalidInputError } from "../errors.ts";

/**
 * `session` and `sessions` envelope items (release health), validated and put into the shape the
 * writer merges. @see https://develop.sentry.dev/sdk/telemetry/sessions/ and docs/sentry-protocol.md §8.
 */

/** How a session ended up; `unhandled` (@sentry/browser 11) is stored as `crashed`. */
export type SessionStatus = "ok" | "exited" | "errored" | "crashed" | "abnormal";

/** One `session` item: the full state of a session at `seq`. Times are seconds since the epoch. */
export interface SessionUpdate {
  sid: string;
  did?: string;
  init: boolean;
  seq: number;
  started: number;
  timestamp: number;
  /** seconds */
  duration?: number;
  status: SessionStatus;
  errors: number;
  release: string;
  environment: string;
}

/** One entry of a `sessions` item: counts of sessions that started in one minute (server mode). */
export interface SessionAggregate {
  started: number;
  did?: string;
  exited: number;
  errored: number;
  abnormal: number;
  crashed: number;
  release: string;
  environment: string;
}

/** Relay drops sessions that started more than five days before they arrive. */
export const MAX_SESSION_AGE_SECONDS = 5 * 24 * 3600;

export class InvalidSessionError extends InvalidInputError {
  override name = "InvalidSessionError";
}

export interface SessionContext {
  /** seconds since the epoch */
  receivedAtSec: number;
  /** the envelope's `sent_at`, seconds */
  sentAtSec?: number;
}

/**
 * Parses a `session` item payload. Returns undefined for a session Relay would drop as too old;
 * throws InvalidSessionError (naming the field) for one that breaks the protocol.
 */
export function parseSessionUpdate(raw: unknown, ctx: SessionContext): SessionUpdate | undefined {
  const s = _parse(SESSION_SCHEMA, raw, "session");
  const drift = computeClockDrift(ctx.receivedAtSec, ctx.sentAtSec);
  const started = _time(s.started, "started", drift);
  const timestamp = s.timestamp === undefined ? ctx.receivedAtSec : _time(s.timestamp, "timestamp", drift);
  if (started < ctx.receivedAtSec - MAX_SESSION_AGE_SECONDS) return undefined;
  const status: SessionStatus = s.status === "unhandled" ? "crashed" : s.status;
  // "if status is crashed and errors is 0, treat it as 1" (a crash is an error)
  const errors = status === "crashed" ? Math.max(1, s.errors) : s.errors;
  const update: SessionUpdate = {
    // the sid may be left out when the first update is also the last one
    sid: s.sid ?? randomUUID(),
    init: s.init,
    // seq defaults to the time of the update and is 0 for the initial update
    seq: s.init ? 0 : s.seq ?? Math.round(timestamp * 1000),
    started: Math.min(started, ctx.receivedAtSec + MAX_SECONDS_IN_FUTURE),
    timestamp,
    status,
    errors,
    release: s.attrs.release,
    environment: s.attrs.environment,
  };
  if (s.did) update.did = s.did;
  if (s.duration !== undefined) update.duration = s.duration;
  return update;
}

/** Parses a `sessions` item payload (aggregates); entries older than five days are left out and counted. */
export function parseSessionAggregates(raw: unknown, ctx: SessionContext): { aggregates: SessionAggregate[]; tooOld: number } {
  const s = _parse(AGGREGATES_SCHEMA, raw, "sessions");
  const drift = computeClockDrift(ctx.receivedAtSec, ctx.sentAtSec);
  const out: SessionAggregate[] = [];
  let tooOld = 0;
  for (const [i, a] of s.aggregates.entries()) {
    const started = _time(a.started, `aggregates.${i}.started`, drift);
    if (started < ctx.receivedAtSec - MAX_SESSION_AGE_SECONDS) {
      tooOld++;
      continue;
    }
    const agg: SessionAggregate = {
      started: Math.min(started, ctx.receivedAtSec + MAX_SECONDS_IN_FUTURE),
      exited: a.exited, errored: a.errored, abnormal: a.abnormal, crashed: a.crashed,
      release: s.attrs.release, environment: s.attrs.environment,
    };
    if (a.did) agg.did = a.did;
    if (agg.exited + agg.errored + agg.abnormal + agg.crashed > 0) out.push(agg);
  }
  return { aggregates: out, tooOld };
}

// --- Internal ---

const COUNT = z.number().int().min(0).max(1e9);
const ATTRS = z.object({
  release: z.string().trim().min(1, "is required").max(200),
  environment: z.string().trim().max(64).optional().transform((e) => e || "production"),
}, { error: "is required (with a release)" }).loose();
const TIME = z.union([z.string(), z.number()]);
const ID = z.union([z.string(), z.number()]).transform((v) => String(v).slice(0, 128)).optional();

const SESSION_SCHEMA = z.object({
  sid: z.string().min(1).max(64).optional(),
  did: ID.nullable().transform((v) => v ?? undefined),
  init: z.boolean().default(false),
  seq: z.number().int().min(0).optional(),
  started: TIME,
  timestamp: TIME.optional(),
  duration: z.number().min(0).optional().nullable().transform((v) => v ?? undefined),
  status: z.enum(["ok", "exited", "errored", "crashed", "abnormal", "unhandled"]).default("ok"),
  errors: COUNT.default(0),
  attrs: ATTRS,
}).loose();

const AGGREGATES_SCHEMA = z.object({
  aggregates: z.array(z.object({
    started: TIME,
    did: ID.nullable().transform((v) => v ?? undefined),
    exited: COUNT.default(0),
    errored: COUNT.default(0),
    abnormal: COUNT.default(0),
    crashed: COUNT.default(0),
  }).loose()).max(10_000),
  attrs: ATTRS,
}).loose();

function _parse<T extends z.ZodType>(schema: T, raw: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join(".");
  throw new InvalidSessionError(`invalid "${what}" item${path ? ` field "${path}"` : ""}: ${issue.message}`);
}

function _time(value: string | number, field: string, drift: number): number {
  const t = parseTimestamp(value);
  if (t === undefined) throw new InvalidSessionError(`invalid session field "${field}": ${JSON.stringify(value).slice(0, 60)} is not a timestamp`);
  return t + drift;
}
