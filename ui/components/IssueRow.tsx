import type { ApiIssue } from "../../src/contract/index.ts";
import { formatCount, formatRelativeTime } from "../format.ts";
import { issuePath } from "../lib/routes.ts";
import { triageBadges } from "../lib/triage.ts";
import { LevelBadge } from "./LevelBadge.tsx";
import { Link } from "./Link.tsx";
import { Sparkline } from "./Sparkline.tsx";
import { TriageBadges } from "./TriageBadges.tsx";

/** One issue in the triage list: checkbox, title + culprit + badges, sparkline, counts, first/last seen. */
export function IssueRow(props: {
  issue: ApiIssue;
  index: number;
  period: "24h" | "14d";
  focused: boolean;
  selected: boolean;
  showProject: boolean;
  onToggle: () => void;
  onFocus: () => void;
}) {
  const { issue } = props;
  const now = Date.now();
  const badges = triageBadges(issue, now);
  return (
    <div
      class={`issue-row${props.focused ? " focused" : ""}${props.selected ? " selected" : ""} status-${issue.status}`}
      role="row"
      data-row-index={props.index}
      data-issue-id={issue.id}
      onMouseDown={props.onFocus}
    >
      <span role="cell" class="col-check">
        <input type="checkbox" aria-label={`Select ${issue.shortId}`} checked={props.selected} onChange={props.onToggle} />
      </span>
      <span role="cell" class="col-main">
        <Link href={issuePath(issue.id)} class="issue-title">
          {issue.metadata.type ? (
            <>
              <span class="issue-type">{issue.metadata.type}</span>
              {issue.metadata.value !== undefined ? <span class="issue-value">{issue.metadata.value}</span> : null}
            </>
          ) : (
            // message issues: the title is the message, shown once
            <span class="issue-type">{issue.title}</span>
          )}
        </Link>
        <span class="issue-meta">
          <LevelBadge level={issue.level} />
          <TriageBadges badges={badges} />
          {issue.status !== "unresolved" && <span class={`badge badge-status`}>{issue.status}</span>}
          <span class="short-id">{issue.shortId}</span>
          {props.showProject && <span class="project-name">{issue.project.slug}</span>}
          <span class="culprit" title={issue.culprit}>{issue.culprit}</span>
        </span>
      </span>
      <span role="cell" class="col-graph"><Sparkline series={issue.stats?.[props.period]} /></span>
      <span role="cell" class="col-num" title={`${issue.count} events`}>{formatCount(issue.count)}<small class="mobile-unit">{issue.count === "1" ? " event" : " events"}</small></span>
      <span role="cell" class="col-num" title={`${issue.userCount} users`}>{formatCount(issue.userCount)}<small class="mobile-unit">{issue.userCount === 1 ? " user" : " users"}</small></span>
      <span role="cell" class="col-seen">
        <span title={issue.firstSeen}>{formatRelativeTime(issue.firstSeen, now)}</span>
        {issue.firstRelease && <small class="release" title={issue.firstRelease.version}>{issue.firstRelease.version}</small>}
      </span>
      <span role="cell" class="col-seen">
        <span title={issue.lastSeen}>{formatRelativeTime(issue.lastSeen, now)}</span>
        {issue.lastRelease && <small class="release" title={issue.lastRelease.version}>{issue.lastRelease.version}</small>}
      </span>
    </div>
  );
}
