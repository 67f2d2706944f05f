import type { IncomingMessage, ServerResponse } from "node:http";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Clock } from "../clock.ts";
import type { IngestQueue } from "../process/ingest-queue.ts";
import type { LimitEnforcer } from "../process/limit-enforcer.ts";
import type { IngestJob } from "../process/types.ts";
import { rateLimitHeader } from "../process/quota.ts";
import { MAX_CLIENT_REPORT_BYTES } from "./client-report.ts";
import { authFromEnvelopeHeader, extractRequestAuth, type SentryAuth } from "./auth.ts";
import { readBody, streamBody } from "./body.ts";
import { answerPreflight, setIngestCorsHeaders } from "./cors.ts";
import { EnvelopeParser } from "./envelope.ts";
import { answerForError, httpError } from "../http/errors.ts";
import { buildEnvelopeJob, buildStoreJob, PROCESSED_ITEM_TYPES, type RequestContext } from "./items.ts";
import type { KeyCache } from "./key-cache.ts";
import { clientAddress } from "../http/client-ip.ts";
import { UnknownItemTypeSample } from "./item-types.ts";
import type { GroupingConfig } from "../grouping/mechanisms.ts";
import type { ProjectGroupingConfigs } from "../process/grouping-configs.ts";

/** `/api/{project_id}/envelope/` and `/api/{project_id}/store/` (trailing slash optional, no redirects on POST). */
export const INGEST_PATH = /^\/api\/([^/]+)\/(envelope|store)\/?$/;

export interface IngestDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  queue: IngestQueue;
  keys: KeyCache;
  limitEnforcer: LimitEnforcer;
  /** maps minified JavaScript frames to original sources before grouping (src/process/symbolicate-job.ts) */
  symbolicate?: (job: IngestJob, grouping: GroupingConfig) => Promise<void>;
  /** each project's grouping configuration (stack-trace rules), cached */
  groupingConfigs: ProjectGroupingConfigs;
}

/**
 * The ingest route, on the raw Node request so the body streams straight from the socket into the
 * decoder and envelope parser. It only authenticates, enforces limits, decompresses and parses;
 * the queue's writer does the rest. Answers 200 only after the data is committed.
 */
export function createIngestHandler(deps: IngestDeps) {
  const limits = { maxCompressed: deps.config.maxEnvelopeCompressedBytes, maxDecompressed: deps.config.maxEnvelopeBytes };
  const unknownTypes = new UnknownItemTypeSample();
  const storeLimits = { maxCompressed: deps.config.maxEnvelopeCompressedBytes, maxDecompressed: deps.config.maxEventBytes };
  const keepPayload = (type: string) =>
    (PROCESSED_ITEM_TYPES.has(type) ? deps.config.maxEventBytes : type === "client_report" ? MAX_CLIENT_REPORT_BYTES : 0);

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
      const projectLimits = await deps.limitEnforcer.limits.limitsFor(projectId);
      const ctx: RequestContext = { projectId, receivedAtMs: deps.clock.now(), ..._clientIp(req, deps.config.trustProxy) };
      if (projectLimits.scrubData) ctx.scrub = { sensitiveFields: projectLimits.sensitiveFields };
      ctx.grouping = await deps.groupingConfigs.configFor(projectId);

      let built: { job: Parameters<IngestQueue["submit"]>[0]; eventId?: string; unknownItemTypes?: string[] };
      if (endpoint === "store") {
        built = buildStoreJob(await readBody(req, storeLimits), ctx);
      } else {
        // Without a key in the request, the parser stops after the envelope header line until its
        // DSN is checked: an unauthenticated body is never decompressed further or held.
        const parser = new EnvelopeParser(keepPayload, { maxKeptBytes: deps.config.maxEnvelopeItemBytes, pauseAfterHeader: !requestAuth });
        let headerChecked = false;
        const checkHeader = async () => {
          headerChecked = true;
          await _authorize(deps.keys, authFromEnvelopeHeader(parser.envelopeHeaders!, projectId), projectId);
        };
        await streamBody(req, requestAuth ? limits : { ...limits, maxSyncInflate: UNAUTHENTICATED_SYNC_INFLATE }, (chunk) => {
          parser.push(chunk);
          if (parser.isPaused) return checkHeader().then(() => parser.resume());
        });
        const envelope = parser.end();
        if (!requestAuth && !headerChecked) await checkHeader(); // a header-only envelope
        built = buildEnvelopeJob(envelope, ctx);
        for (const type of built.unknownItemTypes ?? []) {
          if (unknownTypes.noteFirstSighting(type)) deps.logger.info("envelope item type not known to LightTrace; counted as \"other\"", { projectId, itemType: type });
        }
      }

      if (deps.symbolicate && built.job.events.length) await deps.symbolicate(built.job, ctx.grouping);
      // 429 carries per-category limits: a bare 429 makes SDKs drop every category (docs/sentry-protocol.md §5)
      const verdict = await deps.limitEnforcer.admit(built.job, projectLimits);
      if (!verdict.admitted) {
        // the request's other items (client reports, sessions) are still counted
        const { itemCounts, clientDiscards } = built.job;
        if (itemCounts.size > 0 || clientDiscards) await deps.queue.submit({ ...built.job, events: [] });
        const what = verdict.reason === "monthly_quota"
          ? `monthly quota of ${projectLimits.monthlyQuota} events` : `limit of ${projectLimits.eventsPerMinute} events per minute`;
        throw httpError(429, `project ${projectId} is over its ${what}`, {
          "Retry-After": String(verdict.retryAfter),
          "X-Sentry-Rate-Limits": rateLimitHeader(verdict),
        });
      }
      try {
        await deps.queue.submit(built.job);
      } catch (err) {
        deps.limitEnforcer.refund(built.job);
        throw err;
      }
      _sendJson(res, 200, built.eventId ? { id: built.eventId } : {});
    } catch (err) {
      _sendError(res, req, err, deps.logger);
    }
  };
}

// --- Internal ---

/** bytes of an envelope without a key in its request inflated at once, before the header's DSN is checked */
const UNAUTHENTICATED_SYNC_INFLATE = 256 * 1024;

function _parseProjectId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw httpError(400, `invalid project id "${raw.slice(0, 40)}": must be a positive integer`);
  return Number(raw);
}

async function _authorize(keys: KeyCache, auth: SentryAuth, projectId: number): Promise<void> {
  const keyProject = await keys.projectIdFor(auth.publicKey);
  if (keyProject === undefined) throw httpError(403, "event submission rejected: unknown or disabled DSN key");
  if (keyProject !== projectId) throw httpError(403, `event submission rejected: the DSN key does not belong to project ${projectId}`);
}

function _clientIp(req: IncomingMessage, trustedProxies: number): { clientIp?: string } {
  const ip = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustedProxies);
  return ip ? { clientIp: ip } : {};
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
