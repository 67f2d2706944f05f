import { useState } from "preact/hooks";
import type { ApiCheckIn, ApiMonitor } from "../../src/contract/index.ts";
import { apiSend, describeError } from "../api/client.ts";
import { CheckInTimeline } from "../components/CheckInTimeline.tsx";
import { ErrorBox } from "../components/ErrorBox.tsx";
import { Link } from "../components/Link.tsx";
import { formatDateTime, formatRelativeTime } from "../format.ts";
import { useApi } from "../hooks/use-api.ts";
import { navigate } from "../hooks/use-location.ts";
import { CHECKIN_STATUS_WORDS, formatDurationMs, monitorHealth } from "../lib/monitors.ts";
import { issueListPath, issuePath, monitorsPath } from "../lib/routes.ts";
import { MonitorSetup } from "./MonitorSetup.tsx";
import "../monitors.css";

/** One monitor: status per environment (with the open incident's issue), timeline and table of check-ins, mute and delete. */
export function MonitorDetail(props: { org: string; project: string; slug: string }) {
  const base = `/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.project)}/monitors/${encodeURIComponent(props.slug)}/`;
  const monitor = useApi<ApiMonitor>(base);
  const checkIns = useApi<ApiCheckIn[]>(`${base}checkins/?per_page=50`);
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const act = async (run: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await run();
      monitor.reload();
    } catch (err) {
      setActionError(describeError(err));
    }
  };
  if (monitor.error !== undefined) return <ErrorBox title="Could not load the monitor" message={describeError(monitor.error)} onRetry={monitor.reload} />;
  const m = monitor.data;
  if (!m) return <div class="loading-block">Loading the monitor…</div>;
  const health = monitorHealth(m);
  const now = Date.now();
  const remove = () => act(async () => {
    if (!confirm(`Delete the monitor "${m.name}" and all its check-ins?`)) return;
    await apiSend("DELETE", base);
    navigate(monitorsPath(props.project));
  });
  return (
    <section class="monitor-detail">
      <p class="small"><Link href={monitorsPath(props.project)}>← Monitors of {props.project}</Link></p>
      <div class="page-title">
        <h1>{m.name} <span class={`monitor-status tone-${health.tone}`}>{health.word}</span></h1>
        <div class="monitor-actions">
          <button type="button" onClick={() => act(() => apiSend("PUT", base, { isMuted: !m.isMuted }))}>{m.isMuted ? "Unmute" : "Mute"}</button>
          <button type="button" class="danger" onClick={remove}>Delete</button>
        </div>
      </div>
      {actionError && <p class="notice notice-error">{actionError}</p>}
      <p class="muted">
        <code>{m.slug}</code> · {m.scheduleDescription} · check-in margin {m.config.checkin_margin} min · max runtime {m.config.max_runtime} min ·
        {" "}issue after {m.config.failure_issue_threshold} failure{m.config.failure_issue_threshold === 1 ? "" : "s"}, resolved after {m.config.recovery_threshold} ok
        {m.owner ? ` · owner ${m.owner.type}:${m.owner.id}` : ""} · <Link href={issueListPath(props.project, new URLSearchParams({ query: `monitor.slug:${m.slug}` }))}>its issues</Link>
      </p>
      <div class="panel">
        <table class="monitor-table">
          <thead><tr><th>Environment</th><th>Status</th><th>Last check-in</th><th>Next expected</th><th>Latest on time</th><th /></tr></thead>
          <tbody>
            {m.environments.length === 0 && <tr><td colSpan={6} class="muted">No check-in yet.</td></tr>}
            {m.environments.map((e) => (
              <tr key={e.name} data-environment={e.name}>
                <td>{e.name}</td>
                <td>
                  <span class={`monitor-status tone-${e.status === "error" ? "error" : e.status === "ok" ? "ok" : "muted"}`}>{e.status === "active" ? "waiting" : e.status}</span>
                  {e.isMuted && <span class="muted small"> (muted)</span>}
                  {e.activeIncident && (
                    <div class="small">failing since {formatRelativeTime(e.activeIncident.startingTimestamp, now)}
                      {e.activeIncident.issueId && <> · <Link href={issuePath(e.activeIncident.issueId)}>the incident's issue</Link></>}</div>
                  )}
                </td>
                <td>{e.lastCheckIn ? formatRelativeTime(e.lastCheckIn, now) : "never"}</td>
                <td>{e.nextCheckIn ? formatDateTime(e.nextCheckIn) : "—"}</td>
                <td>{e.nextCheckInLatest ? formatDateTime(e.nextCheckInLatest) : "—"}</td>
                <td><button type="button" class="link-button" onClick={() => act(() => apiSend("PUT", `${base}environments/${encodeURIComponent(e.name)}/`, { isMuted: !e.isMuted }))}>{e.isMuted ? "unmute" : "mute"}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="panel">
        <div class="panel-head"><h2>Check-ins</h2></div>
        {checkIns.error !== undefined && <ErrorBox title="Could not load check-ins" message={describeError(checkIns.error)} onRetry={checkIns.reload} />}
        <CheckInTimeline checkIns={checkIns.data ?? []} legend />
        <table class="monitor-table checkin-table">
          <thead><tr><th>Status</th><th>Environment</th><th>Started</th><th>Expected</th><th>Duration</th></tr></thead>
          <tbody>
            {(checkIns.data ?? []).map((c) => (
              <tr key={c.id} data-status={c.status}>
                <td><span class={`checkin-tick s-${c.status}`} /> {CHECKIN_STATUS_WORDS[c.status]}</td>
                <td>{c.environment}</td>
                <td>{formatDateTime(c.dateCreated)}</td>
                <td>{c.expectedTime ? formatDateTime(c.expectedTime) : "—"}</td>
                <td>{formatDurationMs(c.duration)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MonitorSetup org={props.org} project={props.project} slug={m.slug} config={m.config} />
    </section>
  );
}
