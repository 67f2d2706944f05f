import type { ApiTrace } from "../../src/contract/index.ts";
import { describeError } from "../api/client.ts";
import { ErrorBox } from "../components/ErrorBox.tsx";
import { Link } from "../components/Link.tsx";
import { useApi } from "../hooks/use-api.ts";
import { formatDateTime } from "../format.ts";
import { issuePath } from "../lib/routes.ts";
import { barGeometry, buildWaterfall, durationLabelPlacement, formatDuration } from "../lib/waterfall.ts";
import "../diagnosis.css";

/**
 * One trace across services: every transaction and span as a waterfall (time bars, nesting,
 * project, status), errors pinned on the span that was active when they happened, and the
 * errors whose span is not stored listed below.
 */
export function TraceView(props: { org: string; traceId: string; highlightEventId?: string | undefined }) {
  const trace = useApi<ApiTrace>(`/api/0/organizations/${encodeURIComponent(props.org)}/events-trace/${encodeURIComponent(props.traceId)}/`);
  if (trace.error !== undefined && !trace.data) {
    return <ErrorBox title={`Could not load trace ${props.traceId}`} message={describeError(trace.error)} onRetry={trace.reload} action={<Link href="/">Back to issues</Link>} />;
  }
  if (!trace.data) return <div class="loading-block">Loading trace…</div>;
  const w = buildWaterfall(trace.data);
  const duration = w.end - w.start;
  return (
    <article class="trace-view">
      <nav class="breadcrumb-nav" aria-label="Breadcrumb">
        <Link href="/">Issues</Link> <span aria-hidden="true">/</span> <span>Trace</span>
      </nav>
      <header class="trace-header">
        <h1>Trace <code class="trace-id">{props.traceId}</code></h1>
        <p class="trace-summary" data-testid="trace-summary">
          <span>{formatDuration(duration)}</span>
          <span>{w.rows.filter((r) => r.kind === "transaction").length} transactions</span>
          <span>{w.rows.filter((r) => r.kind === "span").length} spans</span>
          <span class={w.errorCount ? "error-text" : ""}>{w.errorCount} {w.errorCount === 1 ? "error" : "errors"}</span>
          <span>projects: {w.projects.join(", ") || "—"}</span>
          {w.rows[0] && <span class="muted">{formatDateTime(new Date(w.start * 1000).toISOString())}</span>}
        </p>
        {trace.data.truncated && <p class="notice notice-error">This trace has more spans than one page shows; the latest ones are left out.</p>}
      </header>

      {w.rows.length > 0 && (
        <section class="panel waterfall" aria-label="Span waterfall">
          <div class="wf-head">
            <span>Operation</span>
            <span class="wf-scale"><span>0</span><span>{formatDuration(duration / 2)}</span><span>{formatDuration(duration)}</span></span>
          </div>
          {w.rows.map((row) => {
            const bar = barGeometry(row, w);
            const label = durationLabelPlacement(bar);
            const failed = row.status !== null && row.status !== "ok" && row.status !== "unset";
            return (
              <div key={row.key} class={`wf-row wf-${row.kind}${row.errors.length ? " has-error" : ""}`} data-span-id={row.spanId} data-kind={row.kind}>
                <div class="wf-label" style={{ paddingLeft: `${6 + row.depth * 14}px` }}>
                  {row.kind === "transaction" && <span class="wf-project">{row.project}</span>}
                  {row.op && <span class="wf-op">{row.op}</span>}
                  <span class="wf-desc" title={row.label}>{row.label}</span>
                  {failed && <span class="badge wf-status">{row.status}</span>}
                </div>
                <div class="wf-track">
                  <div class={`wf-bar${failed ? " failed" : ""}${row.kind === "transaction" ? " tx" : ""}`} style={{ left: `${bar.left}%`, width: `${bar.width}%` }}
                    title={`${row.op ?? ""} ${row.label}: ${formatDuration(row.end - row.start)}`} />
                  <span class={`wf-dur${label.inside ? " inside" : ""}`} style={label.style}>{formatDuration(row.end - row.start)}</span>
                  {row.errors.map((e) => {
                    // the marker sits at the error's time; its title runs towards the roomier side
                    const at = barGeometry({ start: e.timestamp, end: e.timestamp }, w).left;
                    return (
                      <span key={e.event_id} class={`wf-error-pos${at > 50 ? " to-left" : ""}`} style={at > 50 ? { right: `${100 - at}%` } : { left: `${at}%` }}>
                        <Link href={issuePath(String(e.issue_id), e.event_id)} class={`wf-error${e.event_id === props.highlightEventId ? " current" : ""}`} title={`${e.issue}: ${e.title}`}>
                          <span class="wf-error-dot" aria-hidden="true" />
                          <span class="wf-error-title">{e.title}</span>
                        </Link>
                      </span>
                    );
                  })}
                </div>
              </div>
            );
          })}
        </section>
      )}

      {trace.data.orphan_errors.length > 0 && (
        <section class="panel orphan-errors">
          <h2>Errors without a known span</h2>
          <p class="muted small">These errors carry this trace id, but the span they happened in was not sent (sampling, or the SDK sends no transactions).</p>
          <ul>
            {trace.data.orphan_errors.map((e) => (
              <li key={e.event_id}>
                <Link href={issuePath(String(e.issue_id), e.event_id)}>{e.title}</Link> <span class="muted small">{e.issue} · {e.project_slug}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}
