import type { ServerResponse } from "node:http";

/** What Relay lets a browser send to ingest (plus the trace headers Bugsink adds; harmless). */
const ALLOWED_HEADERS = [
  "x-sentry-auth", "x-requested-with", "x-forwarded-for", "origin", "referer", "accept", "content-type",
  "authentication", "authorization", "content-encoding", "transfer-encoding", "sentry-trace", "baggage",
].join(", ");

/** Headers a browser SDK must be able to read to honour rate limits. */
const EXPOSED_HEADERS = "x-sentry-error, x-sentry-rate-limits, retry-after";

/** CORS for every ingest response, errors included: without it a browser sees only an opaque failure. */
export function setIngestCorsHeaders(res: ServerResponse): void {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
}

/** Answers an OPTIONS preflight as Relay does. */
export function answerPreflight(res: ServerResponse): void {
  setIngestCorsHeaders(res);
  res.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
  res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
  res.setHeader("Access-Control-Max-Age", "3600");
  res.setHeader("Content-Length", "0");
  res.writeHead(200);
  res.end();
}
