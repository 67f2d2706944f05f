import type { ApiFrame } from "../../src/contract/index.ts";

/** A run of frames to render: one app frame, or a run of library frames folded into one row. */
export type FrameBlock =
  | { kind: "frame"; frame: ApiFrame; index: number; isCrashFrame: boolean }
  | { kind: "folded"; frames: { frame: ApiFrame; index: number }[] };

/**
 * Orders frames most recent call first (Sentry sends oldest first) and folds each run of non-app
 * frames into one collapsible block. The crashing frame (the most recent frame, or the most recent
 * in-app frame when there is one) is never folded, so the line that threw is always visible.
 * With no in-app frame at all nothing is folded: folding everything would hide the whole trace.
 * @example foldFrames(frames).map((b) => b.kind) // ["frame", "folded", "frame"]
 */
export function foldFrames(frames: ApiFrame[], options: { showAll?: boolean } = {}): FrameBlock[] {
  const ordered = frames.map((frame, index) => ({ frame, index })).reverse();
  const hasInApp = frames.some((f) => f.inApp);
  const crashIndex = crashFrameIndex(frames);
  const blocks: FrameBlock[] = [];
  let run: { frame: ApiFrame; index: number }[] = [];
  const flush = () => {
    if (run.length === 0) return;
    // a single library frame is not worth a toggle
    if (run.length === 1) blocks.push({ kind: "frame", frame: run[0]!.frame, index: run[0]!.index, isCrashFrame: false });
    else blocks.push({ kind: "folded", frames: run });
    run = [];
  };
  for (const item of ordered) {
    const foldable = !options.showAll && hasInApp && !item.frame.inApp && item.index !== crashIndex;
    if (foldable) {
      run.push(item);
      continue;
    }
    flush();
    blocks.push({ kind: "frame", frame: item.frame, index: item.index, isCrashFrame: item.index === crashIndex });
  }
  flush();
  return blocks;
}

/** Index (in Sentry's oldest-first order) of the frame to open by default: the last in-app frame, else the last frame. */
export function crashFrameIndex(frames: ApiFrame[]): number {
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.inApp) return i;
  return frames.length - 1;
}

/** "src/checkout.ts" from a frame; module or address when there is no file name. */
export function frameLocation(frame: ApiFrame): string {
  const file = frame.filename ?? frame.absPath ?? frame.module ?? frame.package ?? frame.instructionAddr ?? "<unknown>";
  if (frame.lineNo === null) return file;
  return frame.colNo !== null ? `${file}:${frame.lineNo}:${frame.colNo}` : `${file}:${frame.lineNo}`;
}
