import type { ApiBreadcrumb, ApiEvent, ApiExceptionValue, ApiRequestData } from "../contract/index.ts";
import { redactHeader } from "../explain/redact.ts";
import { code, stackTrace, table } from "./markdown.ts";

/** Breadcrumbs shown, the most recent ones (the error came right after the last). */
const MAX_CRUMBS = 20;

/**
 * An event for an agent: the exception chain with the stack trace (innermost first, source
 * context around in-app lines), the last breadcrumbs, the request (credentials redacted), the user,
 * runtime contexts and the trace id.
 */
export function eventMarkdown(event: ApiEvent): string {
  const out: string[] = [];
  const entry = <T extends ApiEvent["entries"][number]["type"]>(type: T) => event.entries.find((e) => e.type === type) as Extract<ApiEvent["entries"][number], { type: T }> | undefined;
  const exception = entry("exception");
  if (exception) {
    const values = exception.data.values;
    values.slice(0, -1).forEach((v) => out.push(`**Caused by**: ${_exceptionLine(v)}`));
    const main = values[values.length - 1];
    if (main) {
      out.push(`**Exception**: ${_exceptionLine(main)}`);
      if (main.stacktrace?.frames.length) out.push("", "### Stack trace (innermost frame first; → marks in-app frames)", "", stackTrace(main.stacktrace.frames));
    }
  } else {
    const message = entry("message");
    if (message) out.push(`**Message**: ${code(message.data.formatted.slice(0, 500))}`);
    const st = entry("stacktrace");
    if (st?.data.frames.length) out.push("", "### Stack trace (innermost frame first)", "", stackTrace(st.data.frames));
  }
  const crumbs = entry("breadcrumbs")?.data.values ?? [];
  if (crumbs.length) {
    out.push("", `### Breadcrumbs (last ${Math.min(MAX_CRUMBS, crumbs.length)} of ${crumbs.length}, oldest first; the error came right after)`, "",
      table(["#", "time", "category", "level", "message / data"], crumbs.slice(-MAX_CRUMBS).map((b, i) => [crumbs.length - Math.min(MAX_CRUMBS, crumbs.length) + i + 1, _offset(b, event.dateCreated), b.category ?? b.type, b.level, _crumbText(b)])));
  }
  const request = entry("request");
  if (request) out.push("", "### Request", "", _request(request.data));
  if (event.user) {
    const u = event.user;
    const parts = [["id", u.id], ["username", u.username], ["email", u.email], ["ip", u.ip_address]].filter(([, v]) => v);
    if (parts.length) out.push("", `### User`, "", parts.map(([k, v]) => `${k}: ${code(String(v))}`).join(" · "));
  }
  const ctx = Object.entries(event.contexts).filter(([k]) => ["runtime", "browser", "os", "device", "app"].includes(k))
    .map(([k, v]) => `${k}: ${[v.name, v.version].filter(Boolean).join(" ")}`).filter((s) => !s.endsWith(": "));
  if (ctx.length) out.push("", `**Contexts**: ${ctx.join(" · ")}`);
  const traceId = event.contexts.trace?.trace_id;
  if (typeof traceId === "string") out.push(`**Trace**: ${code(traceId)} (get_trace_details shows the whole request across services)`);
  return out.join("\n");
}

// --- Internal ---

function _exceptionLine(v: ApiExceptionValue): string {
  const handled = v.mechanism?.handled === false ? " — unhandled" : v.mechanism?.handled === true ? " — handled" : "";
  return `${code(`${v.type ?? "Error"}: ${(v.value ?? "").slice(0, 500)}`)}${handled}${v.mechanism?.type ? ` (mechanism ${v.mechanism.type})` : ""}`;
}

function _offset(b: ApiBreadcrumb, eventTime: string): string {
  if (!b.timestamp) return "?";
  const s = (Date.parse(b.timestamp) - Date.parse(eventTime)) / 1000;
  return Number.isFinite(s) ? `${s >= 0 ? "+" : ""}${s.toFixed(2)}s` : b.timestamp;
}

function _crumbText(b: ApiBreadcrumb): string {
  const data = b.data ? Object.entries(b.data).filter(([k]) => k !== "__span" && k !== "arguments")
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ") : "";
  return [b.message, data].filter(Boolean).join(" ").slice(0, 200);
}

function _request(r: ApiRequestData): string {
  const lines = [`${code(`${r.method ?? "GET"} ${r.url ?? ""}`)}`];
  const headers = r.headers.filter(([k]) => !/^(sec-|accept-|cache-control|connection|pragma|priority|upgrade-insecure|dnt|baggage|sentry-trace)/i.test(k)).slice(0, 12);
  if (headers.length) lines.push(headers.map(([k, v]) => redactHeader(k, v)).map(([k, v]) => `${k}: ${v.slice(0, 200)}`).join("  \n"));
  if (typeof r.query === "string" ? r.query : r.query.length) lines.push(`query: ${code(typeof r.query === "string" ? r.query : r.query.map(([k, v]) => `${k}=${v}`).join("&"))}`);
  return lines.join("\n\n");
}
