import type { ExceptionValue, Frame, NormalizedEvent, Stacktrace } from "../events/types.ts";

/**
 * Which frames symbolication tries, kept apart from the symbolicator (and its source-map library)
 * so that ingest worker threads can tell, without loading either, which events need it.
 */

const JS_PLATFORMS = new Set(["javascript", "node"]);

/** A stack trace of an event and its holder, with the raw (minified) frames kept by an earlier run. */
export interface StacktraceRef {
  frames: Frame[];
  raw: Frame[] | undefined;
  /** replaces the frames; `raw` set keeps the minified ones as the holder's `raw_stacktrace` */
  apply(frames: Frame[], raw: Frame[] | undefined): void;
}

/** Whether `event` has frames worth trying: JavaScript frames with a position in a file. */
export function hasCandidateFrames(event: NormalizedEvent): boolean {
  for (const st of eventStacktraces(event)) {
    for (const f of st.raw ?? st.frames) if (isCandidateFrame(f, event.platform)) return true;
  }
  return false;
}

/** The event's stack traces (exceptions' and the top-level one) with their raw frames, if kept before. */
export function eventStacktraces(event: NormalizedEvent): StacktraceRef[] {
  const out: StacktraceRef[] = [];
  for (const exc of event.exception?.values ?? []) if (exc.stacktrace?.frames?.length) out.push(_stacktraceRef(exc, exc.stacktrace));
  if (event.stacktrace?.frames?.length) out.push(_stacktraceRef(event, event.stacktrace));
  return out;
}

export function isCandidateFrame(frame: Frame, platform: string): boolean {
  if (!JS_PLATFORMS.has(frame.platform ?? platform)) return false;
  const file = frame.abs_path ?? frame.filename;
  if (!file || file === "<anonymous>" || file === "[native code]" || /^(node|native|internal)[:/]/.test(file)) return false;
  return typeof frame.lineno === "number" && typeof frame.colno === "number" && frame.lineno > 0 && frame.colno > 0;
}

// --- Internal ---

/** A stack trace and its holder (exception or event), which keeps the minified frames as `raw_stacktrace`. */
function _stacktraceRef(holder: ExceptionValue | NormalizedEvent, st: Stacktrace): StacktraceRef {
  return {
    frames: st.frames,
    raw: (holder.raw_stacktrace as Stacktrace | undefined)?.frames,
    apply: (frames, raw) => {
      st.frames = frames;
      if (raw) holder.raw_stacktrace = { frames: raw };
      else delete holder.raw_stacktrace;
    },
  };
}
