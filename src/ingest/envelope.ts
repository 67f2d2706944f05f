import { badRequest, tooLarge } from "../http/errors.ts";
import { isPlainObject } from "../events/values.ts";
import { MAX_ITEM_TYPE_CHARS } from "./item-types.ts";

/** Longest envelope header line (it may carry a DSN and a trace context). */
const MAX_ENVELOPE_HEADER_BYTES = 64 * 1024;
/** Longest item header line. */
const MAX_ITEM_HEADER_BYTES = 16 * 1024;
const NEWLINE = 0x0a;

export interface EnvelopeItem {
  type: string;
  headers: Record<string, unknown>;
  /** payload size in bytes */
  length: number;
  /** kept only for the item types the caller asked for; others are counted and discarded */
  payload?: Buffer;
}

export interface EnvelopeParserOptions {
  /** bytes; all kept payloads of one envelope together (413 beyond) */
  maxKeptBytes?: number;
  /** stop after the envelope header line until `resume()` (see the class comment) */
  pauseAfterHeader?: boolean;
}

export interface Envelope {
  headers: Record<string, unknown>;
  items: EnvelopeItem[];
}

/**
 * Incremental envelope parser (Sentry envelope spec, docs/sentry-protocol.md §3):
 * `Headers ("\n" Item)* ["\n"]`, `Item = Headers "\n" Payload`. An item with `length` has exactly
 * that many payload bytes followed by `\n` or the end; without `length` its payload runs to the
 * next `\n` or the end. Payloads are buffered only for item types `keepPayload` returns a cap for,
 * so a 100 MiB attachment costs no memory, and all of them together stay under `maxKeptBytes`.
 * With `pauseAfterHeader`, the parser stops right after the envelope header line and holds the
 * rest of the chunk until `resume()`: the caller checks the header's credentials first, so an
 * unauthenticated envelope never gets its items parsed or held. Errors name the rule that was broken.
 * @example const p = new EnvelopeParser((t) => (t === "event" ? 1 << 20 : 0)); p.push(body); const env = p.end();
 */
export class EnvelopeParser {
  private state: "envelopeHeader" | "itemHeader" | "lengthPayload" | "linePayload" | "afterPayload" = "envelopeHeader";
  private line: Buffer[] = [];
  private lineBytes = 0;
  private headers: Record<string, unknown> | undefined;
  private readonly items: EnvelopeItem[] = [];
  private current: { item: EnvelopeItem; remaining: number; cap: number; chunks: Buffer[] | undefined } | undefined;
  private sawBlankLine = false;
  /** payload bytes held for all kept items so far */
  private keptBytes = 0;
  /** bytes that arrived while paused after the envelope header */
  private waiting: Buffer[] | undefined;

  private readonly keepPayload: (type: string) => number;
  private readonly options: EnvelopeParserOptions;

  /** @param keepPayload byte cap for item types whose payload is needed, 0 to discard it */
  constructor(keepPayload: (type: string) => number, options: EnvelopeParserOptions = {}) {
    this.keepPayload = keepPayload;
    this.options = options;
  }

  /** The envelope header, once its line has been parsed. */
  get envelopeHeaders(): Record<string, unknown> | undefined {
    return this.headers;
  }

  /** True between the envelope header (with `pauseAfterHeader`) and `resume()`. */
  get isPaused(): boolean {
    return this.waiting !== undefined;
  }

  /** Parses what arrived while paused, and everything pushed from now on. */
  resume(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    for (const chunk of waiting ?? []) this.push(chunk);
  }

  push(chunk: Buffer): void {
    if (this.waiting) {
      this.waiting.push(chunk);
      return;
    }
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case "envelopeHeader":
        case "itemHeader": {
          const nl = chunk.indexOf(NEWLINE, pos);
          const end = nl < 0 ? chunk.length : nl;
          this.appendLine(chunk.subarray(pos, end), this.state === "envelopeHeader" ? MAX_ENVELOPE_HEADER_BYTES : MAX_ITEM_HEADER_BYTES);
          pos = end;
          if (nl >= 0) {
            pos = nl + 1;
            this.finishHeaderLine();
            if (this.isPaused) {
              if (pos < chunk.length) this.waiting!.push(chunk.subarray(pos));
              return;
            }
          }
          break;
        }
        case "lengthPayload": {
          const cur = this.current!;
          const take = Math.min(cur.remaining, chunk.length - pos);
          cur.chunks?.push(chunk.subarray(pos, pos + take));
          cur.remaining -= take;
          pos += take;
          if (cur.remaining === 0) {
            this.finishItem();
            this.state = "afterPayload";
          }
          break;
        }
        case "afterPayload": {
          if (chunk[pos] !== NEWLINE) {
            throw badRequest(`item "${this.items[this.items.length - 1]!.type}" is longer than its length header says (expected a newline after the payload)`);
          }
          pos++;
          this.state = "itemHeader";
          break;
        }
        case "linePayload": {
          const cur = this.current!;
          const nl = chunk.indexOf(NEWLINE, pos);
          const end = nl < 0 ? chunk.length : nl;
          cur.item.length += end - pos;
          if (cur.chunks) {
            if (cur.item.length > cur.cap) throw tooLarge(`"${cur.item.type}" item exceeds the limit of ${cur.cap} bytes`);
            this.keep(end - pos);
            cur.chunks.push(chunk.subarray(pos, end));
          }
          pos = end;
          if (nl >= 0) {
            pos = nl + 1;
            this.finishItem();
            this.state = "itemHeader";
          }
          break;
        }
      }
    }
  }

  end(): Envelope {
    if (this.waiting) throw new Error("EnvelopeParser.end() while paused: resume() first");
    switch (this.state) {
      case "envelopeHeader":
        if (this.lineBytes === 0) throw badRequest("empty envelope: the body has no envelope header");
        this.finishHeaderLine();
        this.waiting = undefined; // a header-only envelope: nothing to hold back
        break;
      case "itemHeader":
        if (this.lineBytes > 0) {
          this.finishHeaderLine();
          // an item header at the very end: its payload is empty
          const state = this.state as EnvelopeParser["state"];
          if (state === "lengthPayload") {
            throw badRequest(`unexpected end of envelope: item "${this.current!.item.type}" declares ${this.current!.remaining} payload bytes, none were sent`);
          }
          if (state === "linePayload") this.finishItem();
        }
        break;
      case "lengthPayload":
        throw badRequest(`unexpected end of envelope: item "${this.current!.item.type}" is ${this.current!.remaining} bytes shorter than its length header says`);
      case "linePayload":
        this.finishItem();
        break;
      case "afterPayload":
        break;
    }
    return { headers: this.headers!, items: this.items };
  }

  // --- Internal ---

  private appendLine(part: Buffer, max: number): void {
    if (part.length === 0) return;
    this.lineBytes += part.length;
    if (this.lineBytes > max) throw badRequest(`${this.state === "envelopeHeader" ? "envelope" : "item"} header exceeds ${max} bytes`);
    this.line.push(part);
  }

  private takeLine(): string {
    const text = (this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line)).toString("utf8");
    this.line = [];
    this.lineBytes = 0;
    return text;
  }

  /** Counts payload bytes about to be held against the envelope-wide cap. */
  private keep(bytes: number): void {
    this.keptBytes += bytes;
    const max = this.options.maxKeptBytes;
    if (max !== undefined && this.keptBytes > max) throw tooLarge(`the envelope's items to process exceed the limit of ${max} bytes in total`);
  }

  private finishHeaderLine(): void {
    const text = this.takeLine();
    if (this.state === "envelopeHeader") {
      this.headers = _parseHeader(text, "envelope header");
      this.state = "itemHeader";
      if (this.options.pauseAfterHeader) this.waiting = [];
      return;
    }
    // A blank line where an item header belongs is tolerated only as trailing whitespace.
    if (text.trim() === "") {
      this.sawBlankLine = true;
      return;
    }
    if (this.sawBlankLine) throw badRequest("blank line between envelope items");
    const headers = _parseHeader(text, `item header #${this.items.length + 1}`);
    const type = headers.type;
    if (typeof type !== "string" || type === "") throw badRequest(`item header #${this.items.length + 1} has no "type"`);
    if (type.length > MAX_ITEM_TYPE_CHARS) {
      throw badRequest(`item header #${this.items.length + 1}: "type" is ${type.length} characters long; item types are at most ${MAX_ITEM_TYPE_CHARS}`);
    }
    const cap = this.keepPayload(type);
    const item: EnvelopeItem = { type, headers, length: 0 };
    const chunks = cap > 0 ? [] : undefined;
    if (headers.length !== undefined && headers.length !== null) {
      const length = headers.length;
      if (typeof length !== "number" || !Number.isInteger(length) || length < 0) {
        throw badRequest(`item "${type}" has an invalid length header: ${JSON.stringify(length)}`);
      }
      if (cap > 0 && length > cap) throw tooLarge(`"${type}" item of ${length} bytes exceeds the limit of ${cap} bytes`);
      if (cap > 0) this.keep(length);
      item.length = length;
      this.current = { item, remaining: length, cap, chunks };
      if (length === 0) {
        this.finishItem();
        this.state = "afterPayload";
      } else this.state = "lengthPayload";
    } else {
      this.current = { item, remaining: 0, cap, chunks };
      this.state = "linePayload";
    }
  }

  private finishItem(): void {
    const cur = this.current!;
    if (cur.chunks) cur.item.payload = cur.chunks.length === 1 ? cur.chunks[0]! : Buffer.concat(cur.chunks);
    this.items.push(cur.item);
    this.current = undefined;
  }
}

// --- Internal ---

function _parseHeader(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(value)) throw badRequest(`${what} must be a JSON object`);
  return value;
}
