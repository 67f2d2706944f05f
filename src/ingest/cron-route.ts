import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { ParsedCheckIn } from "../monitors/check-in.ts";
import { answerForError, badRequest, httpError } from "../http/errors.ts";
import { extractRequestAuth } from "./auth.ts";
import { contentEncoding, decodeBody } from "./body.ts";
import { parseCheckInItem } from "./check-in-items.ts";
import { setIngestCorsHeaders } from "./cors.ts";
import type { KeyCache } from "./key-cache.ts";

/**
 * Relay's DSN-based check-in endpoint for shell jobs (docs/sentry-crons.md §1.3):
 * `/api/{project_id}/cron/{monitor_slug}/{sentry_key}/` and `/api/{project_id}/cron/{monitor_slug}/`
 * (the key through normal auth), trailing slash optional.
 */
export const CRON_PATH = /^\/api\/([^/]+)\/cron\/([^/]+)(?:\/([^/]+))?\/?$/;

/** A JSON body of a check-in is small; this caps what is read. */
const MAX_BODY_BYTES = 64 * 1024;

export interface CronRouteDeps {
  logger: Logger;
  clock: Clock;
  keys: KeyCache;
  checkIns: (projectId: number, checkIns: ParsedCheckIn[], receivedAtMs: number) => Promise<void>;
}

/**
 * GET or POST. A JSON body (`Content-Type: application/json`) is a check-in whose slug comes from
 * the path (and may carry `monitor_config` to upsert); otherwise the query says `status`,
 * `check_in_id`, `environment`, `duration`. Answers 202 once the check-in is committed, as Relay
 * does (never 429); a bad check-in is a 400 naming the field, and nothing of it is stored.
 */
export function createCronHandler(deps: CronRouteDeps) {
  return async function handleCron(req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray): Promise<void> {
    setIngestCorsHeaders(res);
    try {
      if (req.method !== "GET" && req.method !== "POST") {
        res.setHeader("Allow", "GET, POST");
        throw httpError(405, `method ${req.method} not allowed; use GET or POST`);
      }
      const receivedAtMs = deps.clock.now();
      const projectId = _projectId(match[1]!);
      const slug = _decode(match[2]!, "monitor slug");
      const pathKey = match[3] === undefined ? undefined : _decode(match[3], "sentry key");
      const auth = pathKey ?? extractRequestAuth(req.headers, url.searchParams)?.publicKey;
      if (!auth) throw httpError(401, "missing authorization information: put the DSN key in the path (/api/<project>/cron/<slug>/<key>/) or in X-Sentry-Auth");
      const keyProject = await deps.keys.projectIdFor(auth);
      if (keyProject === undefined) throw httpError(403, "check-in rejected: unknown or disabled DSN key");
      if (keyProject !== projectId) throw httpError(403, `check-in rejected: the DSN key does not belong to project ${projectId}`);
      const isJson = /^application\/json\b/i.test(String(req.headers["content-type"] ?? ""));
      const raw = req.method === "POST" && isJson ? await _readJson(req) : _fromQuery(url.searchParams);
      const checkIn = parseCheckInItem(raw, slug);
      await deps.checkIns(projectId, [checkIn], receivedAtMs);
      res.writeHead(202, { "Content-Length": "0" });
      res.end();
    } catch (err) {
      const answer = answerForError(err);
      if (answer.unexpected) deps.logger.error("check-in failed", { error: err, path: url.pathname });
      if (!req.complete) res.shouldKeepAlive = false;
      const text = JSON.stringify({ detail: answer.detail });
      res.writeHead(answer.status, { ...answer.headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
      res.end(text);
    }
  };
}

// --- Internal ---

function _projectId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw badRequest(`invalid project id "${raw.slice(0, 40)}": must be a positive integer`);
  return Number(raw);
}

function _decode(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(`the ${what} in the path is not valid percent-encoding`);
  }
}

/** Query parameters as a check-in (Relay's endpoints/monitor.rs): status required; duration in seconds. */
function _fromQuery(q: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const status = q.get("status");
  if (status !== null) out.status = status;
  const id = q.get("check_in_id");
  if (id !== null) out.check_in_id = id;
  const environment = q.get("environment");
  if (environment !== null) out.environment = environment;
  const duration = q.get("duration");
  if (duration !== null) {
    const n = Number(duration);
    if (duration.trim() === "" || !Number.isFinite(n)) throw badRequest(`check-in: duration: "${duration.slice(0, 40)}" is not a number of seconds`);
    out.duration = n;
  }
  return out;
}

async function _readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  await decodeBody(req, contentEncoding(req.headers["content-encoding"]), { maxCompressed: MAX_BODY_BYTES, maxDecompressed: MAX_BODY_BYTES }, (c) => void chunks.push(c));
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`check-in body is not valid JSON: ${(err as Error).message}`);
  }
}
