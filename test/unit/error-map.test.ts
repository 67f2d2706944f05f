import { H3, HTTPError } from "h3";
import { describe, expect, it } from "vitest";
import { InvalidEventError } from "../../src/events/normalize.ts";
import { answerForError, badRequest, httpError } from "../../src/http/errors.ts";
import { QueueFullError } from "../../src/process/ingest-queue.ts";
import { InvalidSessionError } from "../../src/sessions/parse.ts";
import { QuerySyntaxError } from "../../src/api/query.ts";
import { StorageFullError, StorageUnavailableError } from "../../src/store/errors.ts";
import { InvalidTraceItemError } from "../../src/traces/parse-trace-items.ts";

/** The one table both edges (raw ingest and the web API) answer failures with. */
describe("answerForError", () => {
  it("keeps the status, detail and headers an edge or handler chose", () => {
    expect(answerForError(httpError(429, "over quota", { "Retry-After": "60" }))).toEqual({ status: 429, detail: "over quota", headers: { "retry-after": "60" }, unexpected: false });
    expect(answerForError(badRequest("bad field"))).toEqual({ status: 400, detail: "bad field", headers: {}, unexpected: false });
  });

  it("answers a full disk 503 with Retry-After, also when h3 wrapped it as unhandled", async () => {
    const full = { status: 503, detail: "the server's disk is full; nothing was stored, retry later", headers: { "Retry-After": "30" }, unexpected: false };
    expect(answerForError(new StorageFullError())).toEqual(full);
    expect(await _answerThroughH3(new StorageFullError())).toEqual(full);
    expect(answerForError(new StorageUnavailableError("busy"))).toMatchObject({ status: 503, headers: { "Retry-After": "5" }, unexpected: false });
    expect(answerForError(new QueueFullError("full"))).toMatchObject({ status: 503, headers: { "Retry-After": "1" } });
  });

  it("answers every kind of invalid input 400 with its own message", () => {
    for (const err of [new InvalidEventError("event payload must be a JSON object"), new InvalidSessionError("invalid session"),
      new InvalidTraceItemError("span item is empty"), new QuerySyntaxError("unknown level \"loud\"")]) {
      expect(answerForError(err)).toEqual({ status: 400, detail: err.message, headers: {}, unexpected: false });
    }
  });

  it("hides anything else behind a 500 and marks it unexpected (the edge logs it)", async () => {
    expect(answerForError(new TypeError("x is undefined"))).toEqual({ status: 500, detail: "Internal Error", headers: {}, unexpected: true });
    expect(await _answerThroughH3(new RangeError("boom"))).toMatchObject({ status: 500, unexpected: true });
    expect(answerForError("a string")).toMatchObject({ status: 500, unexpected: true });
  });
});

// --- Internal ---

/** What the map answers for an error a real h3 handler threw (h3 wraps it as an unhandled HTTPError). */
async function _answerThroughH3(thrown: Error) {
  let seen: HTTPError | undefined;
  const app = new H3({ silent: true, onError: (error) => {
    seen = error;
    return new Response(null, { status: 599 });
  } });
  app.get("/", () => {
    throw thrown;
  });
  await app.fetch(new Request("http://localhost/"));
  expect(seen?.unhandled).toBe(true);
  return answerForError(seen);
}
