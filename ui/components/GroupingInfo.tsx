import type { ApiGroupingFrame, ApiGroupingInfo } from "../../src/contract/index.ts";
import { describeError } from "../api/client.ts";
import { formatDateTime } from "../format.ts";
import { useApi } from "../hooks/use-api.ts";

/**
 * "Why these events are one issue" (Sentry's grouping info): the mechanism and key of the shown
 * event, the frames that made the key, why every other frame did not (not in-app, which rule
 * marked it, a generated name normalised), and every key that leads to this issue.
 */
export function GroupingInfo(props: { org: string; project: string; eventId: string }) {
  const path = `/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.project)}/events/${encodeURIComponent(props.eventId)}/grouping-info/`;
  const info = useApi<ApiGroupingInfo>(path);
  const data = info.data;
  return (
    <details class="panel grouping-info" data-testid="grouping-info">
      <summary>
        <h2>Why these events are one issue</h2>
        {data && <span class="muted">{data.mechanism} · {data.variant}{_frameCount(data)}</span>}
      </summary>
      {info.error !== undefined && <p class="error-text">{describeError(info.error)}</p>}
      {data && <GroupingDetails info={data} />}
    </details>
  );
}

// --- Internal ---

function GroupingDetails(props: { info: ApiGroupingInfo }) {
  const { info } = props;
  return (
    <div class="grouping-body">
      <p>
        This event's key was made by <strong>{info.mechanism}</strong> from{" "}
        <strong>{info.variant === "fingerprint" ? "the SDK's fingerprint" : info.variant}</strong>
        {info.matchedKey && !info.matchedKey.current && <> and it found this issue through a key of earlier rules ({info.matchedKey.mechanism})</>}.
      </p>
      <pre class="grouping-key">{info.key}</pre>
      {info.message && <p class="muted">Message <code>{info.message.text}</code> groups as <code>{info.message.normalized}</code></p>}
      {info.exceptions.map((exc, i) => (
        <div key={i} class="grouping-exception">
          <h3>{exc.type || "<no type>"}{exc.value !== null && <span class="muted"> — value used: {exc.value}</span>}</h3>
          <ol class="grouping-frames">
            {[...exc.frames].reverse().map((f, j) => <FrameRow key={j} frame={f} />)}
          </ol>
        </div>
      ))}
      <h3>Keys that lead to this issue</h3>
      <ul class="grouping-keys">
        {info.issueGroupings.map((g) => (
          <li key={g.hash} class={g.hash === info.matchedKey?.hash ? "matched" : ""}>
            <span class="badge">{g.mechanism}</span> <span class="muted">since {formatDateTime(g.dateCreated)}</span>
            {g.hash === info.matchedKey?.hash && <span class="badge badge-matched">this event</span>}
            <pre>{g.key}</pre>
          </li>
        ))}
      </ul>
      {info.projectRules.trim() && <p class="muted">The project's stack-trace rules apply (project settings → Grouping rules).</p>}
    </div>
  );
}

function FrameRow(props: { frame: ApiGroupingFrame }) {
  const f = props.frame;
  return (
    <li class={f.contributes ? "contributes" : "ignored"} data-contributes={f.contributes ? "yes" : "no"}>
      <span class="frame-mark" aria-label={f.contributes ? "in the key" : "not in the key"}>{f.contributes ? "✓" : "–"}</span>
      <code>{f.label}</code>
      {f.inApp && <span class="badge">in-app</span>}
      {f.hints.length > 0 && <span class="hints">{f.hints.join("; ")}</span>}
    </li>
  );
}

function _frameCount(info: ApiGroupingInfo): string {
  const n = info.exceptions.reduce((sum, e) => sum + e.frames.filter((f) => f.contributes).length, 0);
  return n ? ` · ${n} frame${n === 1 ? "" : "s"}` : "";
}
