import type { ApiEntry, ApiEvent, ApiExceptionValue, ApiRequestData } from "../../src/contract/index.ts";
import { formatDateTime } from "../format.ts";
import { Breadcrumbs } from "./Breadcrumbs.tsx";
import { KeyValueTable } from "./KeyValueTable.tsx";
import { Stacktrace } from "./Stacktrace.tsx";

/** One event: exception chain and stack traces, message, breadcrumbs, request, user, tags, contexts, SDK. */
export function EventView(props: { event: ApiEvent }) {
  const ev = props.event;
  const entry = <T extends ApiEntry["type"]>(type: T) => ev.entries.find((e) => e.type === type) as Extract<ApiEntry, { type: T }> | undefined;
  const exception = entry("exception");
  const message = entry("message");
  const stacktrace = entry("stacktrace");
  const breadcrumbs = entry("breadcrumbs");
  const request = entry("request");
  const traceId = typeof ev.contexts.trace?.trace_id === "string" ? ev.contexts.trace.trace_id : undefined;
  return (
    <div class="event-view">
      <KeyValueTable
        label="Event summary"
        rows={[
          ["time", formatDateTime(ev.dateCreated)],
          ["release", ev.release?.version],
          ["environment", ev.environment],
          ["trace id", traceId],
          ["sdk", ev.sdk?.name ? `${ev.sdk.name} ${ev.sdk.version ?? ""}`.trim() : undefined],
          ["platform", ev.platform],
        ]}
      />

      {exception && (
        <section class="event-section">
          <h3>Exception</h3>
          {[...exception.data.values].reverse().map((exc, i) => <ExceptionBlock key={i} exc={exc} causedBy={i > 0} />)}
        </section>
      )}
      {message && (
        <section class="event-section">
          <h3>Message</h3>
          <pre class="message">{message.data.formatted}</pre>
        </section>
      )}
      {stacktrace && (
        <section class="event-section">
          <h3>Stack trace</h3>
          <Stacktrace stacktrace={stacktrace.data} />
        </section>
      )}
      {breadcrumbs && breadcrumbs.data.values.length > 0 && (
        <section class="event-section">
          <h3>Breadcrumbs</h3>
          <Breadcrumbs crumbs={breadcrumbs.data.values} eventTime={ev.dateCreated} />
        </section>
      )}
      {request && (
        <section class="event-section">
          <h3>Request</h3>
          <RequestBlock request={request.data} />
        </section>
      )}
      {ev.user && (
        <section class="event-section">
          <h3>User</h3>
          <KeyValueTable label="User" rows={Object.entries(ev.user)} />
        </section>
      )}
      {ev.tags.length > 0 && (
        <section class="event-section">
          <h3>Tags</h3>
          <ul class="tag-pills">
            {ev.tags.map((t) => <li key={t.key}><span class="pill-key">{t.key}</span><span class="pill-value">{t.value}</span></li>)}
          </ul>
        </section>
      )}
      {Object.keys(ev.contexts).length > 0 && (
        <section class="event-section">
          <h3>Contexts</h3>
          <div class="contexts">
            {Object.entries(ev.contexts).filter(([, ctx]) => Object.keys(ctx ?? {}).some((k) => k !== "type")).map(([name, ctx]) => (
              <div class="context-card" key={name}>
                <h4>{name}</h4>
                <KeyValueTable label={name} rows={Object.entries(ctx ?? {}).filter(([k]) => k !== "type")} />
              </div>
            ))}
          </div>
        </section>
      )}
      {Object.keys(ev.context).length > 0 && (
        <section class="event-section">
          <h3>Additional data</h3>
          <KeyValueTable label="Additional data" rows={Object.entries(ev.context)} />
        </section>
      )}
    </div>
  );
}

// --- Internal ---

function ExceptionBlock(props: { exc: ApiExceptionValue; causedBy: boolean }) {
  const { exc } = props;
  const handled = exc.mechanism?.handled;
  return (
    <div class="exception">
      {props.causedBy && <p class="caused-by">Caused by</p>}
      <p class="exc-title">
        <strong>{exc.type ?? "Error"}</strong>
        {exc.value && <span class="exc-value">: {exc.value}</span>}
      </p>
      {exc.mechanism?.type && (
        <p class="exc-mechanism">
          mechanism <code>{exc.mechanism.type}</code>
          {handled !== undefined && <span class={`badge ${handled ? "badge-handled" : "badge-unhandled"}`}>{handled ? "handled" : "unhandled"}</span>}
        </p>
      )}
      {exc.stacktrace && exc.stacktrace.frames.length > 0 ? <Stacktrace stacktrace={exc.stacktrace} rawStacktrace={exc.rawStacktrace} /> : <p class="muted">No stack trace was sent.</p>}
    </div>
  );
}

function RequestBlock(props: { request: ApiRequestData }) {
  const r = props.request;
  const query = typeof r.query === "string" ? r.query : r.query.map(([k, v]) => `${k}=${v}`).join("&");
  return (
    <>
      <p class="request-line"><strong>{r.method ?? "GET"}</strong> <code>{r.url ?? ""}</code></p>
      <KeyValueTable label="Query" rows={query ? [["query", query]] : []} />
      {r.data !== null && r.data !== undefined && <KeyValueTable label="Body" rows={[["body", r.data]]} />}
      {r.headers.length > 0 && (
        <>
          <h4>Headers</h4>
          <KeyValueTable label="Headers" rows={r.headers} />
        </>
      )}
      {Array.isArray(r.cookies) && r.cookies.length > 0 && (
        <>
          <h4>Cookies</h4>
          <KeyValueTable label="Cookies" rows={r.cookies} />
        </>
      )}
    </>
  );
}
