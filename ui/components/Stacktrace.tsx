import { useState } from "preact/hooks";
import type { ApiFrame, ApiStacktrace as StacktraceData } from "../../src/contract/index.ts";
import { foldFrames, frameLocation } from "../lib/stacktrace.ts";
import { KeyValueTable } from "./KeyValueTable.tsx";
import { externalHref } from "../lib/links.ts";

/**
 * A stack trace, most recent call first: in-app frames emphasised, runs of library frames folded
 * into a "show N library frames" row, the crashing frame open with its source context and variables.
 */
export function Stacktrace(props: { stacktrace: StacktraceData; rawStacktrace?: StacktraceData | null }) {
  const [showAll, setShowAll] = useState(false);
  // source maps: the original frames by default, the minified ones as the SDK sent them on request
  const [minified, setMinified] = useState(false);
  const shown = minified && props.rawStacktrace ? props.rawStacktrace : props.stacktrace;
  const blocks = foldFrames(shown.frames, { showAll });
  const hasLibrary = shown.frames.some((f) => !f.inApp) && shown.frames.some((f) => f.inApp);
  return (
    <div class="stacktrace">
      <div class="stacktrace-options">
        {props.rawStacktrace && (
          <span class="segmented" role="group" aria-label="Frames">
            <button type="button" class={minified ? "" : "on"} aria-pressed={!minified} onClick={() => setMinified(false)}>Original</button>
            <button type="button" class={minified ? "on" : ""} aria-pressed={minified} onClick={() => setMinified(true)}>Minified</button>
          </span>
        )}
        {hasLibrary && (
          <label class="toggle-all">
            <input type="checkbox" checked={showAll} onChange={() => setShowAll(!showAll)} /> Show library frames
          </label>
        )}
      </div>
      <ol class="frames">
        {blocks.map((block) =>
          block.kind === "frame" ? (
            <FrameRow key={block.index} frame={block.frame} open={block.isCrashFrame} />
          ) : (
            <FoldedFrames key={`f${block.frames[0]!.index}`} frames={block.frames.map((f) => f.frame)} />
          ),
        )}
      </ol>
    </div>
  );
}

// --- Internal ---

function FoldedFrames(props: { frames: ApiFrame[] }) {
  const [open, setOpen] = useState(false);
  if (open) return <>{props.frames.map((f, i) => <FrameRow key={i} frame={f} open={false} />)}</>;
  return (
    <li class="frame folded">
      <button type="button" class="link-button" onClick={() => setOpen(true)}>
        Show {props.frames.length} library frames
      </button>
    </li>
  );
}

function FrameRow(props: { frame: ApiFrame; open: boolean }) {
  const { frame } = props;
  const [open, setOpen] = useState(props.open);
  const hasDetails = frame.context.length > 0 || (frame.vars !== null && Object.keys(frame.vars).length > 0);
  const sourceLink = externalHref(frame.sourceLink);
  return (
    <li class={`frame ${frame.inApp ? "in-app" : "library"}${open ? " open" : ""}`}>
      <button type="button" class="frame-head" aria-expanded={hasDetails ? open : undefined} disabled={!hasDetails} onClick={() => setOpen(!open)}>
        <span class="frame-fn">{frame.function ?? "<anonymous>"}</span>
        <span class="frame-at"> at </span>
        <span class="frame-file">{frameLocation(frame)}</span>
        {frame.inApp ? <span class="frame-tag">app</span> : null}
      </button>
      {sourceLink && (
        <a class="source-link" href={sourceLink} target="_blank" rel="noopener noreferrer">Open in repository</a>
      )}
      {frame.errors?.map((e) => (
        <p key={e.type} class="frame-unresolved" title={e.type}>Not symbolicated: {e.message}</p>
      ))}
      {open && hasDetails && (
        <div class="frame-body">
          {frame.context.length > 0 && (
            <pre class="context">
              {frame.context.map(([line, text]) => (
                <div key={line} class={line === frame.lineNo ? "ctx-line crash" : "ctx-line"}>
                  <span class="ln">{line}</span>
                  <span class="src">{text || " "}</span>
                </div>
              ))}
            </pre>
          )}
          {frame.vars && Object.keys(frame.vars).length > 0 && (
            <KeyValueTable label="Local variables" rows={Object.entries(frame.vars)} />
          )}
        </div>
      )}
    </li>
  );
}
