import type { ApiDurationStats, ApiProjectMttr } from "../../src/contract/index.ts";
import { describeError } from "../api/client.ts";
import { useApi } from "../hooks/use-api.ts";
import { formatDuration } from "../lib/activity.ts";
import "../activity.css";

/**
 * Mean time to resolve and to detect over the last 30 days against the 30 days before, with the
 * weekly mean time to resolve as bars (each resolution counts its own open period, so a
 * regression counts again).
 */
export function ProjectMttr(props: { org: string; slug: string }) {
  const mttr = useApi<ApiProjectMttr>(`/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.slug)}/mttr/?statsPeriod=30d`);
  const d = mttr.data;
  const maxWeek = Math.max(1, ...(d?.weekly.map((w) => w.timeToResolve) ?? []));
  return (
    <div class="panel project-mttr" data-testid="project-mttr">
      <h2>Time to resolve (30 days)</h2>
      {mttr.error !== undefined && <p class="error-text">{describeError(mttr.error)}</p>}
      {d && (
        <>
          <div class="mttr-figures">
            <Figure label="Mean time to resolve" now={d.timeToResolve} before={d.previousPeriod.timeToResolve} what="resolution" />
            <Figure label="Mean time to detect" now={d.timeToDetect} before={d.previousPeriod.timeToDetect} what="alerted issue" />
          </div>
          <ol class="mttr-weeks" aria-label="Mean time to resolve per week">
            {d.weekly.map((w) => (
              <li key={w.week} title={`week of ${w.week}: ${w.count ? `${formatDuration(w.timeToResolve)} over ${w.count}` : "no resolutions"}`}>
                <span class="mttr-bar" style={{ height: `${Math.round((w.timeToResolve / maxWeek) * 100)}%` }} />
                <span class="mttr-week">{w.week.slice(5)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

// --- Internal ---

function Figure(props: { label: string; now: ApiDurationStats; before: ApiDurationStats; what: string }) {
  const { now, before } = props;
  const change = now.count && before.count ? Math.round(((now.mean - before.mean) / Math.max(1, before.mean)) * 100) : undefined;
  return (
    <div class="stat">
      <span class="stat-label">{props.label}</span>
      <span class="stat-value small">{now.count ? formatDuration(now.mean) : "—"}</span>
      <span class="release">
        {now.count ? `p50 ${formatDuration(now.p50)} · p90 ${formatDuration(now.p90)} · ${now.count} ${props.what}${now.count === 1 ? "" : "s"}` : `no ${props.what} yet`}
      </span>
      <span class="release" data-testid="mttr-previous">
        {before.count ? `previous 30 days: ${formatDuration(before.mean)}${change !== undefined ? ` (${change > 0 ? "+" : ""}${change}%)` : ""}` : "previous 30 days: none"}
      </span>
    </div>
  );
}
