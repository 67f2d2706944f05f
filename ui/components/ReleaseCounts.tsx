import type { ApiIssueReleaseCount } from "../../src/contract/index.ts";
import { formatCount, formatDateTime, formatRelativeTime } from "../format.ts";
import { releasePath } from "../lib/routes.ts";
import { Link } from "./Link.tsx";

/** An issue's events per release, oldest release first. */
export function ReleaseCounts(props: { counts: ApiIssueReleaseCount[] }) {
  const now = Date.now();
  if (!props.counts.length) return <p class="muted">No event of this issue named a release.</p>;
  const max = Math.max(...props.counts.map((c) => c.count));
  return (
    <table class="release-counts">
      <tbody>
        {props.counts.map((c) => (
          <tr key={c.version}>
            <td><Link href={releasePath(c.version)}>{c.version}</Link></td>
            <td class="bar-cell"><span class="release-bar" style={{ width: `${Math.max(4, (c.count / max) * 100)}%` }} /></td>
            <td>{formatCount(c.count)}</td>
            <td class="muted" title={formatDateTime(c.lastSeen)}>last {formatRelativeTime(c.lastSeen, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
