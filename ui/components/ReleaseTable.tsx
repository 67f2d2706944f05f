import type { ApiReleaseListItem } from "../../src/contract/index.ts";
import { formatCount, formatDateTime, formatRelativeTime } from "../format.ts";
import { formatPercent, healthClass, releaseHealth } from "../lib/release-health.ts";
import { releasePath } from "../lib/routes.ts";
import { Link } from "./Link.tsx";

/** Releases newest first with their health (crash-free sessions and users), adoption, issues and deploys. */
export function ReleaseTable(props: { releases: ApiReleaseListItem[]; project?: string | undefined; compact?: boolean }) {
  const now = Date.now();
  return (
    <table class="release-table">
      <thead>
        <tr>
          <th>ApiReleaseListItem</th>
          <th>Crash-free sessions</th>
          <th>Crash-free users</th>
          <th>Sessions</th>
          <th>Adoption (24 h)</th>
          {!props.compact && <th>New issues</th>}
          {!props.compact && <th>Regressed</th>}
          {!props.compact && <th>Events</th>}
          <th>First seen</th>
          {!props.compact && <th>Last event</th>}
          {!props.compact && <th>Deploys</th>}
        </tr>
      </thead>
      <tbody>
        {props.releases.map((r) => {
          const h = releaseHealth(r, props.project);
          return (
            <tr key={r.version} data-release={r.version}>
              <td><Link href={releasePath(r.version)} class="release-version">{r.version}</Link></td>
              <td class={`health-${healthClass(h?.crashFreeSessions)}`} data-testid="crash-free-sessions">{formatPercent(h?.crashFreeSessions)}</td>
              <td class={`health-${healthClass(h?.crashFreeUsers)}`}>{formatPercent(h?.crashFreeUsers)}</td>
              <td>{formatCount(h?.totalSessions ?? 0)}</td>
              <td>{h?.adoption === null || h?.adoption === undefined ? "—" : `${h.adoption.toFixed(1)} %`}</td>
              {!props.compact && <td>{r.newGroups}</td>}
              {!props.compact && <td>{r.regressedGroups}</td>}
              {!props.compact && <td>{formatCount(r.eventCount)}</td>}
              <td title={formatDateTime(r.firstSeen)}>{formatRelativeTime(r.firstSeen, now)}</td>
              {!props.compact && <td title={formatDateTime(r.lastEvent)}>{r.lastEvent ? formatRelativeTime(r.lastEvent, now) : "—"}</td>}
              {!props.compact && <td>{r.deploysByEnvironment.map((d) => d.environment).join(", ") || "—"}</td>}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
