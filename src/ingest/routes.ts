import type { IncomingMessage, ServerResponse } from "node:http";
import type { ParsedFeedback } from "../feedback/parse.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Clock } from "../clock.ts";
import type { IngestQueue } from "../process/ingest-queue.ts";
import type { LimitEnforcer } from "../process/limit-enforcer.ts";
import type { ProjectConfigCache } from "../process/project-config.ts";
import type { PreparedEvent } from "../process/types.ts";
import type { PreparedSummary } from "../process/symbolicate-job.ts";
import { rateLimitHeader } from "../process/quota.ts";
import { authFromEnvelopeHeader, extractRequestAuth, type SentryAuth } from "./auth.ts";
import { contentEncoding } from "./body.ts";
import { answerPreflight, setIngestCorsHeaders } from "./cors.ts";
import { answerForError, httpError } from "../http/errors.ts";
import type { KeyCache } from "./key-cache.ts";
import { clientAddress } from "../http/client-ip.ts";
import { UnknownItemTypeSample } from "./item-types.ts";
import type { IngestWorkerPool } from "./workers/pool.ts";
import type { BodySpec } from "./workers/protocol.ts";
import { processRequestBody, toIngestJob } from "./workers/request-job.ts";
import type { ParsedCheckIn } from "../monitors/check-in.ts";

/** `/api/{project_id}/envelope/` and `/api/{project_id}/store/` (trailing slash optional, no redirects on POST). */
export const INGEST_PATH = /^\/api\/([^/]+)\/(envelope|store)\/?$/;

export interface IngestDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  queue: IngestQueue;
  keys: KeyCache;
  limitEnforcer: LimitEnforcer;
  /** each project's settings as the workers need them */
  projectConfigs: ProjectConfigCache;
  /** the worker threads that decode, parse, normalise, scrub, group and encode bodies */
  pool: IngestWorkerPool;
  /** maps minified JavaScript frames to original sources before grouping (src/process/symbolicate-job.ts) */
  symbolicate?: (projectId: number, sourceJson: string, before: PreparedSummary) => Promise<PreparedEvent>;
  /** applies cron monitor check-ins (src/process/monitor-checkins.ts); committed before the answer */
  checkIns?: (projectId: number, checkIns: ParsedCheckIn[], receivedAtMs: number) => Promise<void>;
  /** stores user feedback durably (src/feedback/store-feedback.ts) */
  feedback?: (projectId: number, feedback: ParsedFeedback[]) => Promise<void>;
}

/**
 * The ingest route, on the raw Node request so the body goes from the socket straight to an ingest
 * worker (src/ingest/workers/), which decodes, parses and prepares it. Here: authentication,
 * limits, quotas and the hand-over to the queue's writer. Answers 200 only after the commit.
 */
export function createIngestHandler(deps: IngestDeps) {
  const unknownTypes = new UnknownItemTypeSample();
  return async function handleIngest(req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray): Promise<void> {
    if (req.method === "OPTIONS") return answerPreflight(res);
    setIngestCorsHeaders(res);
    try {
      if (req.method !== "POST") {
        res.setHeader("Allow", "POST, OPTIONS");
        throw httpError(405, `method ${req.method} not allowed; SDKs POST here`);
      }
      const projectId = _parseProjectId(match[1]!);
      const endpoint = match[2] as "envelope" | "store";
      const requestAuth = extractRequestAuth(req.headers, url.searchParams);
      if (!requestAuth && endpoint === "store") throw httpError(401, "missing authorization information");
      if (requestAuth) await _authorize(deps.keys, requestAuth, projectId);
      const encoding = contentEncoding(req.headers["content-encoding"]);
      const { snapshot, limits: projectLimits } = await deps.projectConfigs.snapshotFor(projectId);
      const clientIp = _clientIp(req, deps.config.trustProxy);
      const spec: BodySpec = {
        endpoint, encoding, projectId, receivedAtMs: deps.clock.now(), ...(clientIp ? { clientIp } : {}),
        maxCompressedBytes: deps.config.maxEnvelopeCompressedBytes, maxDecompressedBytes: deps.config.maxEnvelopeBytes,
        maxEventBytes: deps.config.maxEventBytes, maxEnvelopeItemBytes: deps.config.maxEnvelopeItemBytes, awaitHeaderAuth: !requestAuth,
      };
      // Without a key in the request, the worker stops after the envelope header line until its DSN
      // is checked here: an unauthenticated body is never decompressed further or held.
      const checkHeaderDsn = requestAuth ? undefined : async (headers: Record<string, unknown>) => _authorize(deps.keys, authFromEnvelopeHeader(headers, projectId), projectId);
      const processed = await processRequestBody(req, deps.pool, spec, snapshot, checkHeaderDsn);
      const job = await toIngestJob(processed, deps.symbolicate && ((json, before) => deps.symbolicate!(projectId, json, before)));

      for (const type of processed.unknownItemTypes ?? []) {
        if (unknownTypes.noteFirstSighting(type)) deps.logger.info("envelope item type not known to LightTrace; counted as \"other\"", { projectId, itemType: type });
      }
      // check-ins are not events: no event quota applies to them (Relay never answers them 429)
      if (job.checkIns?.length) {
        if (!deps.checkIns) throw httpError(503, "cron monitors are not available on this server");
        await deps.checkIns(projectId, job.checkIns, job.receivedAtMs);
        delete job.checkIns;
      }
      // feedback is not an event either: stored (and attached to its issue) before the answer
      if (job.feedback?.length) {
        if (!deps.feedback) throw httpError(503, "user feedback is not available on this server");
        await deps.feedback(projectId, job.feedback);
        delete job.feedback;
      }
      // 429 carries per-category limits: a bare 429 makes SDKs drop every category (docs/sentry-protocol.md §5)
      const verdict = await deps.limitEnforcer.admit(job, projectLimits);
      if (!verdict.admitted) {
        // the request's other items (client reports, sessions) are still counted
        const { itemCounts, clientDiscards } = job;
        if (itemCounts.size > 0 || clientDiscards) await deps.queue.submit({ ...job, events: [] });
        const what = verdict.reason === "monthly_quota"
          ? `monthly quota of ${projectLimits.monthlyQuota} events` : `limit of ${projectLimits.eventsPerMinute} events per minute`;
        throw httpError(429, `project ${projectId} is over its ${what}`, {
          "Retry-After": String(verdict.retryAfter),
          "X-Sentry-Rate-Limits": rateLimitHeader(verdict),
        });
      }
      try {
        await deps.queue.submit(job);
      } catch (err) {
        deps.limitEnforcer.refund(job);
        throw err;
      }
      _sendJson(res, 200, processed.eventId ? { id: processed.eventId } : {});
    } catch (err) {
      _sendError(res, req, err, deps.logger);
    }
  };
}

// --- Internal ---

function _parseProjectId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw httpError(400, `invalid project id "${raw.slice(0, 40)}": must be a positive integer`);
  return Number(raw);
}

async function _authorize(keys: KeyCache, auth: SentryAuth, projectId: number): Promise<void> {
  const keyProject = await keys.projectIdFor(auth.publicKey);
  if (keyProject === undefined) throw httpError(403, "event submission rejected: unknown or disabled DSN key");
  if (keyProject !== projectId) throw httpError(403, `event submission rejected: the DSN key does not belong to project ${projectId}`);
}

function _clientIp(req: IncomingMessage, trustedProxies: number): string | undefined {
  return clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustedProxies) || undefined;
}

function _sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function _sendError(res: ServerResponse, req: IncomingMessage, err: unknown, logger: Logger): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // An unread body would be parsed as the next request on this connection: close it instead.
  if (!req.complete) res.shouldKeepAlive = false;
  // the client went away mid-body: nobody is left to answer
  if (err instanceof Error && (err as NodeJS.ErrnoException).code === "ECONNRESET") {
    res.destroy();
    return;
  }
  const answer = answerForError(err);
  // storage failures were logged by the queue that failed to commit them; refusals are routine
  if (answer.unexpected) logger.error("ingest failed", { error: err, path: req.url?.split("?")[0] });
  else logger.debug(answer.status >= 500 || answer.status === 429 ? "ingest refused" : "ingest rejected", { status: answer.status, detail: answer.detail, path: req.url?.split("?")[0] });
  // Relay's X-Sentry-Error: SDKs log it when they drop an event
  _sendJson(res, answer.status, { detail: answer.detail }, { "X-Sentry-Error": answer.detail.slice(0, 200).replace(/[^\x20-\x7e]/g, "?"), ...answer.headers });
}
