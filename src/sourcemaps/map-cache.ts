import { AnyMap, decodedMappings, TraceMap } from "@jridgewell/trace-mapping";

/** A parsed source map and, lazily, the lines of its embedded sources. */
export class ParsedSourceMap {
  readonly trace: TraceMap;
  /** rough memory cost in bytes, for the cache bound */
  readonly weight: number;
  private readonly lines = new Map<string, string[] | null>();

  constructor(trace: TraceMap, weight: number) {
    this.trace = trace;
    this.weight = weight;
  }

  /** The lines of `source` from `sourcesContent`, or null when the map does not embed it. */
  sourceLines(source: string): string[] | null {
    let lines = this.lines.get(source);
    if (lines === undefined) {
      const index = this.trace.resolvedSources.indexOf(source);
      const content = index >= 0 ? this.trace.sourcesContent?.[index] : undefined;
      lines = typeof content === "string" ? content.split(/\r\n|\r|\n/) : null;
      this.lines.set(source, lines);
    }
    return lines;
  }
}

/**
 * Parsed size per byte of source-map text: trace-mapping keeps every decoded segment as a small
 * array, so a 6 MB map measured ~60 MB of heap (bench:symbolicate prints the figure).
 */
const WEIGHT_PER_BYTE = 10;

export class SourceMapParseError extends Error {
  override name = "SourceMapParseError";
}

/** Parses a source map (regular or indexed/sectioned); throws SourceMapParseError with the reason. */
export function parseSourceMap(text: string): ParsedSourceMap {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SourceMapParseError(`not valid JSON: ${(err as Error).message}`);
  }
  if (!json || typeof json !== "object") throw new SourceMapParseError("not a JSON object");
  try {
    // decoding now costs what the first lookup would, and surfaces bad mappings at once
    const trace = Array.isArray(json.sections) ? new AnyMap(json as never) : new TraceMap(json as never);
    if (!Array.isArray(json.sections) && typeof json.mappings !== "string") throw new Error('no "mappings"');
    decodedMappings(trace);
    return new ParsedSourceMap(trace, text.length * WEIGHT_PER_BYTE);
  } catch (err) {
    throw new SourceMapParseError((err as Error).message);
  }
}

/**
 * Parsed source maps by artifact file id, least recently used evicted past `maxWeight` (an
 * estimate of the parsed size: ten times the JSON text). File contents never change, so
 * entries never go stale; a bounded cache is all that keeps memory in check.
 */
export class SourceMapCache {
  private readonly entries = new Map<number, ParsedSourceMap>();
  private weight = 0;
  private readonly maxWeight: number;
  hits = 0;
  misses = 0;

  constructor(maxWeight: number) {
    this.maxWeight = maxWeight;
  }

  async get(fileId: number, load: () => Promise<string>): Promise<ParsedSourceMap> {
    const cached = this.entries.get(fileId);
    if (cached) {
      this.hits++;
      // re-insert: Map iteration order is the LRU order
      this.entries.delete(fileId);
      this.entries.set(fileId, cached);
      return cached;
    }
    this.misses++;
    const parsed = parseSourceMap(await load());
    this.entries.set(fileId, parsed);
    this.weight += parsed.weight;
    for (const [id, entry] of this.entries) {
      if (this.weight <= this.maxWeight || id === fileId) break;
      this.entries.delete(id);
      this.weight -= entry.weight;
    }
    return parsed;
  }

  get size(): number {
    return this.entries.size;
  }

  get totalWeight(): number {
    return this.weight;
  }
}
