import { useState } from "preact/hooks";
import { apiGet, describeError } from "../api/client.ts";
import { postExplainStream } from "../api/explain-stream.ts";
import type { ApiExplainPreview, ApiExplainResult } from "../../src/contract/index.ts";
import { Markdown } from "./Markdown.tsx";
import "../diagnosis.css";

type State =
  | { step: "idle" }
  | { step: "loading"; what: string }
  | { step: "streaming"; text: string; preview: ApiExplainPreview }
  | { step: "confirm"; preview: ApiExplainPreview; regenerate: boolean }
  | { step: "result"; result: ApiExplainResult; preview: ApiExplainPreview }
  | { step: "failed"; message: string };

/**
 * "Explain" for the event on screen. With an LLM configured, the exact (redacted) prompt is shown
 * and nothing is sent until the user says so; otherwise, or on "offline only", the built-in
 * analyser answers. Results are cached per issue + event on the server; "Regenerate" asks again.
 */
export function ExplainPanel(props: { issueId: string; eventId: string }) {
  const [state, setState] = useState<State>({ step: "idle" });
  // the user has seen this event's prompt and agreed to send it
  const [confirmed, setConfirmed] = useState(false);
  const base = `/api/0/issues/${encodeURIComponent(props.issueId)}/explain/`;

  const run = async (preview: ApiExplainPreview, body: { regenerate?: boolean; provider?: "offline" | "llm" }) => {
    setState({ step: "loading", what: body.provider !== "offline" && preview.llm.enabled ? `Asking ${preview.llm.model ?? "the AI"}…` : "Analysing…" });
    try {
      // the AI's answer shows as it arrives; the final result replaces it (or the offline analysis, if the AI failed midway)
      let text = "";
      const result = await postExplainStream(base, { eventId: props.eventId, ...body }, (piece) => {
        text += piece;
        setState({ step: "streaming", text, preview });
      });
      setState({ step: "result", result, preview });
    } catch (err) {
      setState({ step: "failed", message: describeError(err) });
    }
  };

  const start = async () => {
    setState({ step: "loading", what: "Preparing…" });
    try {
      const preview = await apiGet<ApiExplainPreview>(`${base}?eventId=${encodeURIComponent(props.eventId)}`);
      if (preview.cached) setState({ step: "result", result: preview.cached, preview });
      else if (preview.llm.enabled) setState({ step: "confirm", preview, regenerate: false });
      else await run(preview, {});
    } catch (err) {
      setState({ step: "failed", message: describeError(err) });
    }
  };

  return (
    <section class="panel explain-panel" aria-label="Explain">
      <div class="panel-head">
        <h2>
          Explain
          {state.step === "result" && (
            <span class={`explain-provider ${state.result.provider}`} data-testid="explain-provider">
              {state.result.provider === "llm" ? `AI · ${state.result.model ?? ""}` : "Offline analysis"}
              {state.result.cached ? " · cached" : ""}
            </span>
          )}
        </h2>
        <div class="button-row">
          {state.step === "idle" && <button type="button" class="primary" onClick={start}>Explain this event</button>}
          {state.step === "result" && (
            <button type="button" onClick={() => (state.preview.llm.enabled && !confirmed
              ? setState({ step: "confirm", preview: state.preview, regenerate: true })
              : run(state.preview, { regenerate: true, ...(state.preview.llm.enabled ? {} : { provider: "offline" as const }) }))}>Regenerate</button>
          )}
          {state.step === "failed" && <button type="button" onClick={start}>Try again</button>}
        </div>
      </div>

      {state.step === "idle" && <p class="muted small">A diagnosis of this event: the crashing line, what the error means, what happened just before, and a suggested fix.</p>}
      {state.step === "loading" && <p class="muted" role="status"><span class="explain-streaming">{state.what}</span></p>}
      {state.step === "failed" && <p class="error-text" role="alert">Explain failed: {state.message}</p>}
      {state.step === "streaming" && (
        <div class="explain-result" aria-busy="true" data-testid="explain-streaming">
          <Markdown text={state.text} class="explain-streaming" />
        </div>
      )}

      {state.step === "confirm" && (
        <div class="explain-confirm">
          <p>
            Nothing has been sent yet. This is exactly what will be sent to <code>{state.preview.llm.endpoint}</code> (model <code>{state.preview.llm.model}</code>);
            emails, IP addresses, tokens, cookies, authorization headers and card numbers are already redacted:
          </p>
          <pre class="explain-prompt" data-testid="explain-prompt">{`${state.preview.prompt!.system}\n\n---\n\n${state.preview.prompt!.user}`}</pre>
          <div class="button-row">
            <button type="button" class="primary" onClick={() => {
              setConfirmed(true);
              void run(state.preview, { provider: "llm", regenerate: state.regenerate });
            }}>Send to the AI</button>
            <button type="button" onClick={() => run(state.preview, { provider: "offline", regenerate: state.regenerate })}>Offline analysis only</button>
          </div>
        </div>
      )}

      {state.step === "result" && (
        <div class="explain-result">
          {state.result.llmError && (
            <p class="notice notice-error" role="alert">The AI was not used: {state.result.llmError}. Showing the offline analysis instead.</p>
          )}
          {state.result.culprit && (
            <p class="explain-culprit" data-testid="explain-culprit">
              Look at {state.result.culprit.filename ?? "?"}{state.result.culprit.lineNo !== null ? `:${state.result.culprit.lineNo}` : ""}
              {state.result.culprit.function ? ` in ${state.result.culprit.function}` : ""}
            </p>
          )}
          <Markdown text={state.result.explanation} />
          {state.result.provider === "llm" && state.result.findings.length > 0 && (
            <details>
              <summary>What the built-in rules found</summary>
              <ul class="explain-findings">
                {state.result.findings.map((f) => (
                  <li key={f.kind}>
                    <span class="finding-kind">{f.kind}</span>
                    <Markdown text={`**${f.title}.** ${f.detail}`} />
                    {f.evidence && <p class="finding-evidence muted small">{f.confidence} confidence · {f.evidence}</p>}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {state.preview.prompt && (
            <details>
              <summary>What is sent to the AI</summary>
              <pre class="explain-prompt">{`${state.preview.prompt.system}\n\n---\n\n${state.preview.prompt.user}`}</pre>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
