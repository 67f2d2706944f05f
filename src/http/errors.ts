import { HTTPError } from "h3";
import { InvalidInputError } from "../errors.ts";
import { QueueFullError } from "../process/ingest-queue.ts";
import { WorkerCrashedError } from "../ingest/workers/errors.ts";
import { StorageFullError, StorageUnavailableError } from "../store/errors.ts";

/** What the client is told about a failure: the same for raw ingest and the web API. */
export interface ErrorAnswer {
  status: number;
  /** the `{"detail": …}` text */
  detail: string;
  headers: Record<string, string>;
  /**
   * nobody anticipated it: the edge logs it with its stack and the client sees only "Internal
   * Error" (details stay in the log)
   */
  unexpected: boolean;
}

/** Seconds SDKs and clients are asked to wait while the disk is full: writes resume by themselves once space returns. */
export const STORAGE_FULL_RETRY_AFTER_SEC = 30;

/**
 * The one map from what went wrong to the HTTP answer, for both edges (src/ingest/routes.ts and
 * src/api/app.ts). Edges and the API's handlers throw `httpError(…)` with a status of their own
 * choosing; everything else thrown is a domain error looked up here; anything not listed is a 500.
 */
export function answerForError(err: unknown): ErrorAnswer {
  let cause = err;
  if (err instanceof HTTPError) {
    // h3 wraps whatever a handler threw that was not an HTTPError as "unhandled", keeping it as the cause
    if (!err.unhandled) return { status: err.status, detail: err.message, headers: _headers(err.headers), unexpected: false };
    cause = err.cause ?? err;
  }
  for (const [type, answer] of DOMAIN_ERRORS) {
    if (cause instanceof type) return { ...answer(cause), unexpected: false };
  }
  return { status: 500, detail: "Internal Error", headers: {}, unexpected: true };
}

/** An answer chosen by the code that throws it (an edge or an API handler): status, detail, headers. */
export function httpError(status: number, detail: string, headers: Record<string, string> = {}): HTTPError {
  return new HTTPError({ status, message: detail, headers });
}

/** 400: `detail` names what was wrong with the request. */
export const badRequest = (detail: string): HTTPError => httpError(400, detail);

/** 404 in Sentry's wording unless told otherwise. */
export const notFound = (detail = "The requested resource does not exist"): HTTPError => httpError(404, detail);

/** 413: a body or part over its cap. */
export const tooLarge = (detail: string): HTTPError => httpError(413, detail);

// --- Internal ---

type DomainAnswer = Omit<ErrorAnswer, "unexpected">;

// Order matters: a subclass before its base class.
const DOMAIN_ERRORS: [abstract new (...args: never[]) => Error, (err: Error) => DomainAnswer][] = [
  // nothing was acknowledged: SDKs keep the event and retry
  [StorageFullError, () => ({
    status: 503, detail: "the server's disk is full; nothing was stored, retry later", headers: { "Retry-After": String(STORAGE_FULL_RETRY_AFTER_SEC) },
  })],
  [StorageUnavailableError, () => ({ status: 503, detail: "the database cannot be written right now; nothing was stored, retry later", headers: { "Retry-After": "5" } })],
  [QueueFullError, () => ({ status: 503, detail: "server is overloaded; retry later", headers: { "Retry-After": "1" } })],
  // the pool logged it and starts a fresh worker for the next request
  [WorkerCrashedError, (err) => ({ status: 503, detail: err.message, headers: { "Retry-After": "1" } })],
  [InvalidInputError, (err) => ({ status: 400, detail: err.message, headers: {} })],
];

function _headers(headers: Headers | undefined): Record<string, string> {
  return headers ? Object.fromEntries(headers) : {};
}
