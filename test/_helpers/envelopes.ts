import { randomUUID } from "node:crypto";

export interface TestItem {
  headers: Record<string, unknown>;
  payload: string | Buffer;
  /** write a `length` header (default true) */
  withLength?: boolean;
}

/** Builds an envelope body by hand, so tests can exercise every framing rule. */
export function makeEnvelope(headers: Record<string, unknown>, items: TestItem[], trailingNewline = true): Buffer {
  const parts: Buffer[] = [Buffer.from(JSON.stringify(headers))];
  for (const item of items) {
    const payload = Buffer.isBuffer(item.payload) ? item.payload : Buffer.from(item.payload);
    const itemHeaders = item.withLength === false ? item.headers : { ...item.headers, length: payload.length };
    parts.push(Buffer.from("\n" + JSON.stringify(itemHeaders) + "\n"), payload);
  }
  if (trailingNewline) parts.push(Buffer.from("\n"));
  return Buffer.concat(parts);
}

export function newEventId(): string {
  return randomUUID().replace(/-/g, "");
}

/** A small error event, as an SDK would send it. */
export function errorEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: newEventId(),
    timestamp: Date.now() / 1000,
    platform: "node",
    level: "error",
    exception: {
      values: [{
        type: "TypeError",
        value: "x is undefined",
        stacktrace: { frames: [{ filename: "/srv/app/handler.js", module: "handler", function: "handle", lineno: 10, colno: 3, in_app: true, context_line: "return x.y;" }] },
        mechanism: { type: "generic", handled: true },
      }],
    },
    ...overrides,
  };
}

export function eventEnvelope(event: Record<string, unknown>, extraHeaders: Record<string, unknown> = {}): Buffer {
  return makeEnvelope({ event_id: event.event_id, sent_at: new Date().toISOString(), ...extraHeaders }, [
    { headers: { type: "event" }, payload: JSON.stringify(event) },
  ]);
}
