import { originalPositionFor, decodedMappings } from "@jridgewell/trace-mapping";
import type { Frame, NormalizedEvent } from "../events/types.ts";
import type { ArtifactFileRef, ArtifactStore } from "../store/model/artifacts.ts";
import { eventStacktraces, hasCandidateFrames, isCandidateFrame } from "./candidate-frames.ts";
import { normalizeDebugId } from "./debug-id.ts";
import { enclosingFunctionName } from "./function-names.ts";
import { SourceMapCache, SourceMapParseError, parseSourceMap, type ParsedSourceMap } from "./map-cache.ts";
import { cleanSourcePath, decodeDataUrl, findSourceMappingUrl, releaseFileCandidates, resolveRelativeUrl } from "./urls.ts";

/** Why a frame kept its minified location; shown per frame in the API and UI. */
export type UnresolvedReason =
  | "no_debug_id_or_release" | "debug_id_not_uploaded" | "not_in_release" | "no_sourcemap_reference"
  | "sourcemap_not_found" | "invalid_sourcemap" | "line_out_of_range" | "column_out_of_range" | "no_mapping";

export interface SymbolicationResult {
  /** frames that now point into original sources */
  resolved: number;
  /** JavaScript frames that were tried and did not resolve */
  unresolved: number;
}

/** Source lines kept around the original line, as SDKs send them. */
const CONTEXT_LINES = 5;
/** Longer source lines are cut around the column (minified vendor code can be megabytes long). */
const MAX_LINE = 300;

/**
 * Maps minified JavaScript frames back to original sources (docs/sentry-protocol.md §11, "Resolving a
 * frame"): by debug id (an image of type `sourcemap` whose `code_file` is the frame's abs_path or
 * filename), else by release + dist + URL candidates (the minified file, then its `Sourcemap`
 * header or `sourceMappingURL`, which may be a data URL). Resolved frames get the original file,
 * line, column, function and context lines; the minified frames stay as the exception's
 * `raw_stacktrace`. In-app frames that cannot be resolved keep their place and get the reason in
 * `data.sourcemap_error`. Idempotent: a second run starts again from the raw frames.
 */
export class Symbolicator {
  readonly cache: SourceMapCache;
  private readonly store: ArtifactStore;
  private readonly hasArtifacts = new Map<number, { value: boolean; until: number }>();

  constructor(deps: { store: ArtifactStore; cache: SourceMapCache }) {
    this.store = deps.store;
    this.cache = deps.cache;
  }

  /** Forgets cached "has no uploads" answers (after an upload). */
  noteUpload(): void {
    this.hasArtifacts.clear();
  }

  /**
   * Symbolicates `event` in place when its project has uploads; undefined when there was nothing to
   * try (no candidate frames, no uploads), so callers skip all further work.
   */
  async symbolicate(projectId: number, event: NormalizedEvent): Promise<SymbolicationResult | undefined> {
    if (!hasCandidateFrames(event) || !(await this.projectHasArtifacts(projectId))) return undefined;
    const ctx = new _EventContext(this, this.store, projectId, event);
    const result: SymbolicationResult = { resolved: 0, unresolved: 0 };
    for (const st of eventStacktraces(event)) {
      const raw = st.raw ?? st.frames;
      const out: Frame[] = [];
      let anyResolved = false;
      for (let i = 0; i < raw.length; i++) {
        const frame = raw[i]!;
        if (!isCandidateFrame(frame, event.platform)) {
          out.push(frame);
          continue;
        }
        const attempt = await ctx.resolve(frame, raw[i - 1]);
        if ("reason" in attempt && frame.in_app !== true) {
          // library code (node_modules on a server) is usually not minified: no reason to report
          out.push(frame);
        } else if ("reason" in attempt) {
          result.unresolved++;
          out.push({ ...frame, data: { ..._data(frame), symbolicated: false, sourcemap_error: attempt.reason, sourcemap_error_detail: attempt.detail } });
        } else {
          result.resolved++;
          anyResolved = true;
          out.push(attempt.frame);
        }
      }
      st.apply(out, anyResolved ? raw : undefined);
    }
    return result;
  }

  /** Whether the project has any uploads (cached; "no" is re-checked every 10 s, and after an upload here). */
  async projectHasArtifacts(projectId: number): Promise<boolean> {
    const now = Date.now();
    const known = this.hasArtifacts.get(projectId);
    if (known && known.until > now) return known.value;
    const value = await this.store.projectHasArtifacts(projectId);
    // "yes" stays true; "no" is re-checked now and then in case another process uploaded
    this.hasArtifacts.set(projectId, { value, until: now + (value ? 3_600_000 : 10_000) });
    return value;
  }
}

// --- Internal ---

type Attempt = { frame: Frame } | { reason: UnresolvedReason; detail: string };
type MapSource = { map: ParsedSourceMap; mapUrl: string; via: "debug-id" | "release" };

/** Per-event lookups: the same minified file appears in many frames. */
class _EventContext {
  private readonly maps = new Map<string, Promise<MapSource | { reason: UnresolvedReason; detail: string }>>();
  private readonly symbolicator: Symbolicator;
  private readonly store: ArtifactStore;
  private readonly projectId: number;
  private readonly event: NormalizedEvent;
  private readonly images: Map<string, string>;

  constructor(symbolicator: Symbolicator, store: ArtifactStore, projectId: number, event: NormalizedEvent) {
    this.symbolicator = symbolicator;
    this.store = store;
    this.projectId = projectId;
    this.event = event;
    this.images = _sourcemapImages(event);
  }

  async resolve(frame: Frame, caller: Frame | undefined): Promise<Attempt> {
    const file = frame.abs_path ?? frame.filename!;
    const key = `${frame.abs_path ?? ""}\n${frame.filename ?? ""}`;
    let found = this.maps.get(key);
    if (!found) {
      found = this.findMap(frame);
      this.maps.set(key, found);
    }
    const source = await found;
    if ("reason" in source) return source;
    const { map } = source;

    // 1. the position: events are 1-based in both; source maps count columns from 0
    const line = frame.lineno!;
    const column = frame.colno! - 1;
    const lines = decodedMappings(map.trace);
    if (line > lines.length) return { reason: "line_out_of_range", detail: `line ${line} is past the ${lines.length} lines the source map covers` };
    const segments = lines[line - 1]!;
    if (segments.length && column > segments[segments.length - 1]![0] + 10_000) {
      return { reason: "column_out_of_range", detail: `column ${frame.colno} is far past the last mapping on line ${line}` };
    }
    const pos = originalPositionFor(map.trace, { line, column });
    if (pos.source === null || pos.line === null) return { reason: "no_mapping", detail: `no mapping at line ${line}, column ${frame.colno} of ${file}` };

    // 2. the original frame
    const sourceLines = map.sourceLines(pos.source);
    const resolved: Frame = {
      ...frame,
      filename: cleanSourcePath(pos.source),
      abs_path: resolveRelativeUrl(source.mapUrl, pos.source),
      lineno: pos.line,
      colno: pos.column + 1,
      function: await this.functionName(frame, caller, sourceLines, pos.line - 1),
      data: { ..._data(frame), symbolicated: true, sourcemap: source.mapUrl, resolved_with: source.via },
    };
    delete resolved.module;
    delete resolved.context_line;
    delete resolved.pre_context;
    delete resolved.post_context;
    // bundled dependencies are not the application's code, whatever the minified frame said
    if (/(^|\/)node_modules\//.test(pos.source)) resolved.in_app = false;
    if (sourceLines && pos.line - 1 < sourceLines.length) {
      const i = pos.line - 1;
      resolved.pre_context = sourceLines.slice(Math.max(0, i - CONTEXT_LINES), i).map((l) => _clip(l, 0));
      resolved.context_line = _clip(sourceLines[i]!, pos.column);
      resolved.post_context = sourceLines.slice(i + 1, i + 1 + CONTEXT_LINES).map((l) => _clip(l, 0));
    }
    return { frame: resolved };
  }

  /**
   * The original function name: the name the caller's call site maps to (the callee identifier,
   * which minifiers rename and maps record), else the enclosing definition in the original source,
   * else the minified frame's own name.
   */
  private async functionName(frame: Frame, caller: Frame | undefined, sourceLines: string[] | null, line: number): Promise<string | undefined> {
    if (caller && isCandidateFrame(caller, this.event.platform)) {
      const key = `${caller.abs_path ?? ""}\n${caller.filename ?? ""}`;
      const callerMap = await this.maps.get(key);
      if (callerMap && !("reason" in callerMap)) {
        const pos = originalPositionFor(callerMap.map.trace, { line: caller.lineno!, column: caller.colno! - 1 });
        if (pos.name) return pos.name;
      }
    }
    const enclosing = sourceLines ? enclosingFunctionName(sourceLines, line) : undefined;
    return enclosing ?? frame.function;
  }

  private async findMap(frame: Frame): Promise<MapSource | { reason: UnresolvedReason; detail: string }> {
    const file = frame.abs_path ?? frame.filename!;
    // 1. by debug id
    const debugId = (frame.abs_path && this.images.get(frame.abs_path)) || (frame.filename && this.images.get(frame.filename)) || undefined;
    let debugIdMiss: { reason: UnresolvedReason; detail: string } | undefined;
    if (debugId) {
      const mapFile = await this.store.findArtifactByDebugId(this.projectId, debugId, "source_map");
      if (mapFile) return this.loadMap(mapFile, mapFile.url, "debug-id");
      debugIdMiss = { reason: "debug_id_not_uploaded", detail: `no source map was uploaded for debug id ${debugId} (${file})` };
    }
    // 2. by release + dist + URL
    const release = this.event.release;
    if (!release) return debugIdMiss ?? { reason: "no_debug_id_or_release", detail: `${file} has no debug id (run sentry-cli sourcemaps inject) and the event names no release` };
    const dist = this.event.dist ?? null;
    const minified = await this.store.findArtifactByUrl(this.projectId, release, dist, releaseFileCandidates(file));
    const where = `release ${release}${dist ? ` (dist ${dist})` : ""}`;
    if (!minified) return debugIdMiss ?? { reason: "not_in_release", detail: `no file matching ${file} was uploaded for ${where}` };
    if (minified.type === "source_map") return this.loadMap(minified, minified.url, "release");
    // 3. the minified file names its map: header, else the sourceMappingURL comment (maybe a data URL)
    let ref = minified.sourcemap ?? undefined;
    if (!ref) ref = findSourceMappingUrl((await this.store.loadArtifactContent(minified.id)).toString("utf8"));
    if (!ref) return { reason: "no_sourcemap_reference", detail: `${minified.url} in ${where} names no source map (no Sourcemap header or sourceMappingURL)` };
    const inline = decodeDataUrl(ref);
    if (inline !== undefined) {
      try {
        return { map: parseSourceMap(inline), mapUrl: minified.url, via: "release" };
      } catch (err) {
        return { reason: "invalid_sourcemap", detail: `the inline source map of ${minified.url} does not parse: ${(err as Error).message}` };
      }
    }
    const mapUrl = resolveRelativeUrl(minified.url, ref);
    const mapFile = await this.store.findArtifactByUrl(this.projectId, release, dist, releaseFileCandidates(mapUrl));
    if (!mapFile) return { reason: "sourcemap_not_found", detail: `the source map ${mapUrl} named by ${minified.url} was not uploaded for ${where}` };
    return this.loadMap(mapFile, mapFile.url, "release");
  }

  private async loadMap(file: ArtifactFileRef, mapUrl: string, via: MapSource["via"]): Promise<MapSource | { reason: UnresolvedReason; detail: string }> {
    try {
      const map = await this.symbolicator.cache.get(file.id, async () => (await this.store.loadArtifactContent(file.id)).toString("utf8"));
      return { map, mapUrl, via };
    } catch (err) {
      if (err instanceof SourceMapParseError) return { reason: "invalid_sourcemap", detail: `the source map ${file.url} does not parse: ${err.message}` };
      throw err;
    }
  }
}

/** code_file → debug id of the event's `sourcemap` debug images. */
function _sourcemapImages(event: NormalizedEvent): Map<string, string> {
  const out = new Map<string, string>();
  const images = (event.debug_meta as { images?: unknown } | undefined)?.images;
  if (!Array.isArray(images)) return out;
  for (const image of images) {
    if (!image || typeof image !== "object" || (image as Record<string, unknown>).type !== "sourcemap") continue;
    const codeFile = (image as Record<string, unknown>).code_file;
    const debugId = normalizeDebugId((image as Record<string, unknown>).debug_id);
    if (typeof codeFile === "string" && debugId) out.set(codeFile, debugId);
  }
  return out;
}

function _data(frame: Frame): Record<string, unknown> {
  const data = frame.data;
  if (!data || typeof data !== "object") return {};
  const { symbolicated: _s, sourcemap: _m, resolved_with: _r, sourcemap_error: _e, sourcemap_error_detail: _d, ...rest } = data as Record<string, unknown>;
  return rest;
}

function _clip(line: string, column: number): string {
  if (line.length <= MAX_LINE) return line;
  const start = Math.max(0, Math.min(column - MAX_LINE / 2, line.length - MAX_LINE));
  return (start > 0 ? "…" : "") + line.slice(start, start + MAX_LINE) + (start + MAX_LINE < line.length ? "…" : "");
}
