import type { ApiCheckIn, ApiMonitor, ApiProject } from "../../src/contract/index.ts";
import { describeError } from "../api/client.ts";
import { CheckInTimeline } from "../components/CheckInTimeline.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ErrorBox } from "../components/ErrorBox.tsx";
import { Link } from "../components/Link.tsx";
import { formatRelativeTime } from "../format.ts";
import { useApi } from "../hooks/use-api.ts";
import { navigate } from "../hooks/use-location.ts";
import { monitorHealth } from "../lib/monitors.ts";
import { issuePath, monitorPath, monitorsPath } from "../lib/routes.ts";
import { MonitorSetup } from "./MonitorSetup.tsx";
import { MonitorErrors } from "./MonitorErrors.tsx";
import "../monitors.css";

/** Cron monitors of one project (or all): status per environment, schedule in words, next expected run, recent check-ins. */
export function Monitors(props: { org: string; project?: string | undefined }) {
  const org = encodeURIComponent(props.org);
  const projects = useApi<ApiProject[]>(`/api/0/organizations/${org}/projects/`);
  const scope = props.project ? `?project=${encodeURIComponent(props.project)}` : "";
  const monitors = useApi<ApiMonitor[]>(`/api/0/organizations/${org}/monitors/${scope}`);
  const setupProject = props.project ?? projects.data?.[0]?.slug;
  return (
    <section class="monitors-page">
      <div class="page-title">
        <h1>Cron monitors</h1>
        <label class="inline-label">Project{" "}
          <select value={props.project ?? ""} onChange={(e) => navigate(monitorsPath(e.currentTarget.value || undefined))}>
            <option value="">All projects</option>
            {(projects.data ?? []).map((p) => <option key={p.id} value={p.slug}>{p.slug}</option>)}
          </select>
        </label>
      </div>
      {monitors.error !== undefined && <ErrorBox title="Could not load monitors" message={describeError(monitors.error)} onRetry={monitors.reload} />}
      {!monitors.data && monitors.error === undefined && <div class="loading-block">Loading monitors…</div>}
      {monitors.data && monitors.data.length === 0 && (
        <EmptyState title="No cron monitors yet">
          <p>A scheduled job checks in when it starts and when it ends; LightTrace raises an issue when a run is missed, overruns or fails. The first check-in with a schedule creates the monitor.</p>
        </EmptyState>
      )}
      {monitors.data && monitors.data.length > 0 && (
        <div class="panel">
          <table class="monitor-table">
            <thead><tr><th>Monitor</th><th>Schedule</th><th>Status</th><th>Last check-in</th><th>Next expected</th><th>Recent check-ins</th></tr></thead>
            <tbody>{monitors.data.map((m) => <MonitorRow key={m.id} org={props.org} monitor={m} />)}</tbody>
          </table>
        </div>
      )}
      {(props.project ? [props.project] : (projects.data ?? []).map((p) => p.slug)).map((slug) => <MonitorErrors key={slug} org={props.org} project={slug} />)}
      {setupProject && <MonitorSetup org={props.org} project={setupProject} slug="my-job" />}
    </section>
  );
}

// --- Internal ---

function MonitorRow(props: { org: string; monitor: ApiMonitor }) {
  const m = props.monitor;
  const checkIns = useApi<ApiCheckIn[]>(`/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(m.project.slug)}/monitors/${encodeURIComponent(m.slug)}/checkins/?per_page=30`);
  const health = monitorHealth(m);
  const now = Date.now();
  const last = m.environments.map((e) => e.lastCheckIn).filter((x): x is string => x !== null).sort().pop() ?? null;
  const next = m.environments.map((e) => e.nextCheckIn).filter((x): x is string => x !== null).sort()[0] ?? null;
  const incident = m.environments.find((e) => e.activeIncident?.issueId)?.activeIncident;
  return (
    <tr data-monitor={m.slug}>
      <td><Link href={monitorPath(m.project.slug, m.slug)}><strong>{m.name}</strong></Link><div class="muted small">{m.slug} · {m.project.slug}</div></td>
      <td>{m.scheduleDescription}</td>
      <td>
        <span class={`monitor-status tone-${health.tone}`}>{health.word}</span>
        {m.environments.map((e) => <div key={e.name} class="muted small">{e.name}: {e.status}{e.isMuted ? " (muted)" : ""}</div>)}
        {incident?.issueId && <div class="small"><Link href={issuePath(incident.issueId)}>open incident</Link></div>}
      </td>
      <td>{last ? formatRelativeTime(last, now) : "never"}</td>
      <td>{next ? formatRelativeTime(next, now) : "—"}</td>
      <td><CheckInTimeline checkIns={checkIns.data ?? []} /></td>
    </tr>
  );
}
