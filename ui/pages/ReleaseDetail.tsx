import { useState } from "preact/hooks";
import { describeError } from "../api/client.ts";
import type { ApiIssue, ApiReleaseDetail as ReleaseDetailData } from "../../src/contract/index.ts";
import { ErrorBox } from "../components/ErrorBox.tsx";
import { HealthChart } from "../components/HealthChart.tsx";
import { Link } from "../components/Link.tsx";
import { formatCount, formatDateTime, formatRelativeTime } from "../format.ts";
import { useApi } from "../hooks/use-api.ts";
import { formatPercent, healthClass } from "../lib/release-health.ts";
import { issuePath, releasesPath } from "../lib/routes.ts";

/** One release: health per project with its chart, adoption, events, new and regressed issues, deploys. */
export function ReleaseDetail(props: { org: string; version: string }) {
  const [period, setPeriod] = useState<"24h" | "14d">("24h");
  const release = useApi<ReleaseDetailData>(
    `/api/0/organizations/${encodeURIComponent(props.org)}/releases/${encodeURIComponent(props.version)}/?health=1&healthStatsPeriod=${period}`,
  );
  if (release.error !== undefined && !release.data) {
    return <ErrorBox title={`Could not load release ${props.version}`} message={describeError(release.error)} onRetry={release.reload} action={<Link href={releasesPath()}>All releases</Link>} />;
  }
  if (!release.data) return <div class="loading-block">Loading release…</div>;
  const r = release.data;
  const now = Date.now();
  return (
    <article class="release-detail">
      <nav class="breadcrumb-nav" aria-label="Breadcrumb"><Link href={releasesPath()}>Releases</Link> <span aria-hidden="true">/</span> <span>{r.version}</span></nav>
      <h1 class="release-title">{r.version}</h1>
      <section class="stat-cards" aria-label="Release">
        <div class="stat"><span class="stat-label">First seen</span><span class="stat-value small" title={formatDateTime(r.firstSeen)}>{formatRelativeTime(r.firstSeen, now)}</span></div>
        <div class="stat"><span class="stat-label">Last event</span><span class="stat-value small">{r.lastEvent ? formatRelativeTime(r.lastEvent, now) : "—"}</span></div>
        <div class="stat"><span class="stat-label">Events</span><span class="stat-value">{formatCount(r.eventCount)}</span><span class="release">{formatCount(r.eventCount24h)} in 24 h</span></div>
        <div class="stat"><span class="stat-label">New issues</span><span class="stat-value">{r.newGroups}</span></div>
        <div class="stat"><span class="stat-label">Regressed issues</span><span class="stat-value">{r.regressedGroups}</span></div>
      </section>

      {r.projects.map((p) => {
        const h = p.healthData;
        return (
          <section key={p.id} class="panel release-health" data-project={p.slug}>
            <div class="panel-head">
              <h2>Health · {p.slug}</h2>
              <div class="segmented" role="group" aria-label="Chart period">
                {(["24h", "14d"] as const).map((x) => (
                  <button key={x} type="button" aria-pressed={period === x} class={period === x ? "on" : ""} onClick={() => setPeriod(x)}>{x}</button>
                ))}
              </div>
            </div>
            {h && (
              <dl class="health-figures">
                <div><dt>Crash-free sessions</dt><dd class={`health-${healthClass(h.crashFreeSessions)}`} data-testid="detail-crash-free-sessions">{formatPercent(h.crashFreeSessions)}</dd></div>
                <div><dt>Crash-free users</dt><dd class={`health-${healthClass(h.crashFreeUsers)}`}>{formatPercent(h.crashFreeUsers)}</dd></div>
                <div><dt>Sessions (14 d)</dt><dd>{formatCount(h.totalSessions)}</dd></div>
                <div><dt>Errored</dt><dd>{formatCount(h.sessionsErrored)}</dd></div>
                <div><dt>Crashed</dt><dd>{formatCount(h.sessionsCrashed)}</dd></div>
                <div><dt>Adoption (24 h)</dt><dd>{h.adoption === null ? "—" : `${h.adoption.toFixed(1)} %`}</dd></div>
              </dl>
            )}
            {p.healthSeries && <HealthChart points={p.healthSeries} bucket={period === "24h" ? "hour" : "day"} />}
            {h && !h.hasHealthData && <p class="muted">No sessions for this release yet: release health needs the SDK's session tracking (on by default in @sentry/browser and @sentry/node).</p>}
          </section>
        );
      })}

      <div class="detail-grid">
        <IssueList title="New issues in this release" issues={r.newIssues} empty="No issue was first seen in this release." />
        <IssueList title="Regressed in this release" issues={r.regressedIssues} empty="No resolved issue came back in this release." />
      </div>
      <section class="panel">
        <h2>Deploys</h2>
        {r.deploysByEnvironment.length === 0 ? <p class="muted">No deploys recorded (<code>sentry-cli deploys new -e production</code>).</p> : (
          <ul class="deploy-list">
            {r.deploysByEnvironment.map((d) => (
              <li key={d.environment}><strong>{d.environment}</strong> · {d.deployCount} deploy{d.deployCount === 1 ? "" : "s"} · last {formatRelativeTime(d.lastDeployed, now)}</li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

// --- Internal ---

function IssueList(props: { title: string; issues: ApiIssue[]; empty: string }) {
  return (
    <section class="panel">
      <h2>{props.title}</h2>
      {props.issues.length === 0 ? <p class="muted">{props.empty}</p> : (
        <ul class="release-issues">
          {props.issues.map((i) => (
            <li key={i.id}><Link href={issuePath(i.id)}>{i.title}</Link> <span class="muted">{i.shortId} · {formatCount(i.count)} events · {i.status}</span></li>
          ))}
        </ul>
      )}
    </section>
  );
}
