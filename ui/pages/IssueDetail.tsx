import { useState } from "preact/hooks";
import { apiSend, describeError } from "../api/client.ts";
import type { ApiActivityList, ApiEvent, ApiIssueDetail as IssueDetailData, ApiIssueStatus, ApiTagKey } from "../../src/contract/index.ts";
import { AssigneePicker } from "../components/AssigneePicker.tsx";
import { FeedbackList } from "../components/FeedbackList.tsx";
import { IssueActivity } from "../components/IssueActivity.tsx";
import { formatDuration, openPeriodStart } from "../lib/activity.ts";
import { ErrorBox } from "../components/ErrorBox.tsx";
import { EventView } from "../components/EventView.tsx";
import { GroupingInfo } from "../components/GroupingInfo.tsx";
import { ExplainPanel } from "../components/ExplainPanel.tsx";
import { SuspectCommits } from "../components/SuspectCommits.tsx";
import { EventsChart } from "../components/EventsChart.tsx";
import { LevelBadge } from "../components/LevelBadge.tsx";
import { Link } from "../components/Link.tsx";
import { TagBars } from "../components/TagBars.tsx";
import { ReleaseCounts } from "../components/ReleaseCounts.tsx";
import { ResolutionNotice } from "../components/ResolutionNotice.tsx";
import { ResolveActions, type StatusChange } from "../components/ResolveActions.tsx";
import { TriageBadges } from "../components/TriageBadges.tsx";
import { formatCount, formatDateTime, formatRelativeTime } from "../format.ts";
import { useApi } from "../hooks/use-api.ts";
import { navigate } from "../hooks/use-location.ts";
import { issueListPath, issuePath, tracePath, monitorPath } from "../lib/routes.ts";
import { triageBadges } from "../lib/triage.ts";

/**
 * One issue: status actions, counts, first/last seen with releases, the events chart, tag
 * distributions, then the selected event (latest by default) with its navigation.
 */
export function IssueDetail(props: { org: string; issueId: string; eventId?: string | undefined }) {
  const issue = useApi<IssueDetailData>(`/api/0/issues/${encodeURIComponent(props.issueId)}/`);
  const tags = useApi<ApiTagKey[]>(`/api/0/issues/${encodeURIComponent(props.issueId)}/tags/`);
  const activity = useApi<ApiActivityList>(`/api/0/issues/${encodeURIComponent(props.issueId)}/activities/`);
  const which = props.eventId ?? "latest";
  const event = useApi<ApiEvent>(`/api/0/issues/${encodeURIComponent(props.issueId)}/events/${encodeURIComponent(which)}/`);
  const [period, setPeriod] = useState<"24h" | "30d">("24h");
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  if (issue.error !== undefined && !issue.data) {
    return <ErrorBox title={`Could not load issue ${props.issueId}`} message={describeError(issue.error)} onRetry={issue.reload} action={<Link href="/">Back to issues</Link>} />;
  }
  if (!issue.data) return <div class="loading-block">Loading issue…</div>;
  const data = issue.data;
  const now = Date.now();

  const setStatus = async (status: ApiIssueStatus | StatusChange) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await apiSend("PUT", `/api/0/issues/${encodeURIComponent(data.id)}/`, typeof status === "string" ? { status } : status);
      issue.reload();
      activity.reload();
    } catch (err) {
      setActionError(`Could not change the status: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const assign = async (assignedTo: string | null) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await apiSend("PUT", `/api/0/issues/${encodeURIComponent(data.id)}/`, { assignedTo });
      issue.reload();
      activity.reload();
    } catch (err) {
      setActionError(`Could not change the assignee: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const openSince = activity.data && openPeriodStart(activity.data.activity, data.status);

  return (
    <article class="issue-detail">
      <nav class="breadcrumb-nav" aria-label="Breadcrumb">
        <Link href="/">Issues</Link> <span aria-hidden="true">/</span>{" "}
        <Link href={issueListPath(data.project.slug)}>{data.project.slug}</Link> <span aria-hidden="true">/</span> <span>{data.shortId}</span>
      </nav>

      <header class="issue-header">
        <div class="issue-heading">
          <h1>
            <span class="issue-type">{data.metadata.type ?? data.title}</span>
            {data.metadata.type && data.metadata.value !== undefined && <span class="issue-value">{data.metadata.value}</span>}
          </h1>
          <p class="culprit">{data.culprit}</p>
          <p class="issue-meta">
            <LevelBadge level={data.level} />
            <TriageBadges badges={triageBadges(data, now)} />
            <span class={`badge badge-status status-${data.status}`} data-testid="issue-status">{data.status}</span>
            {data.isUnhandled && <span class="badge badge-unhandled" title="The SDK caught this error at the top level: it crashed a request or the process">unhandled</span>}
            <span class="short-id">{data.shortId}</span>
            <MonitorLink project={data.project.slug} tags={event.data?.tags} />
          </p>
        </div>
        <div class="issue-actions">
          {data.status === "unresolved" ? (
            <ResolveActions org={props.org} project={data.project.slug} busy={busy} onChange={setStatus} />
          ) : (
            <button type="button" class="primary" disabled={busy} onClick={() => setStatus("unresolved")}>Unresolve</button>
          )}
          <AssigneePicker org={props.org} assignedTo={data.assignedTo} busy={busy} onAssign={assign} />
        </div>
      </header>
      {actionError && <div class="notice notice-error" role="alert">{actionError}</div>}
      {data.resolution && <ResolutionNotice resolution={data.resolution} />}

      <section class="stat-cards" aria-label="Counts">
        <div class="stat"><span class="stat-label">Events</span><span class="stat-value">{formatCount(data.count)}</span></div>
        <div class="stat"><span class="stat-label">Users</span><span class="stat-value">{formatCount(data.userCount)}</span></div>
        <div class="stat">
          <span class="stat-label">First seen</span>
          <span class="stat-value small" title={formatDateTime(data.firstSeen)}>{formatRelativeTime(data.firstSeen, now)}</span>
          <span class="release">{data.firstRelease ? `in ${data.firstRelease.version}` : "no release"}</span>
        </div>
        <div class="stat">
          <span class="stat-label">Last seen</span>
          <span class="stat-value small" title={formatDateTime(data.lastSeen)}>{formatRelativeTime(data.lastSeen, now)}</span>
          <span class="release">{data.lastRelease ? `in ${data.lastRelease.version}` : "no release"}</span>
        </div>
        {openSince && (
          <div class="stat" data-testid="open-for">
            <span class="stat-label">Open for</span>
            <span class="stat-value small" title={`since ${formatDateTime(openSince)}`}>{formatDuration((now - Date.parse(openSince)) / 1000)}</span>
            <span class="release">this open period</span>
          </div>
        )}
        {data.isSpiking && (
          <div class="stat stat-alert">
            <span class="stat-label">Last hour</span>
            <span class="stat-value small">{formatCount(data.lastHourCount)}</span>
            <span class="release">usually {data.baselinePerHour.toFixed(1)}/h</span>
          </div>
        )}
      </section>

      <div class="detail-grid">
        <section class="panel chart-panel">
          <div class="panel-head">
            <h2>Events</h2>
            <div class="segmented" role="group" aria-label="Chart period">
              {(["24h", "30d"] as const).map((p) => (
                <button key={p} type="button" aria-pressed={period === p} class={period === p ? "on" : ""} onClick={() => setPeriod(p)}>{p}</button>
              ))}
            </div>
          </div>
          <EventsChart series={data.stats[period]} bucket={period === "24h" ? "hour" : "day"} />
        </section>
        <section class="panel release-counts-panel">
          <h2>Events per release</h2>
          <ReleaseCounts counts={data.releaseCounts} />
        </section>
        <section class="panel tags-panel">
          <h2>Tags</h2>
          {tags.error !== undefined && <p class="error-text">{describeError(tags.error)}</p>}
          {tags.data && <TagBars tags={tags.data} />}
        </section>
      </div>

      {data.userReportCount > 0 && (
        <FeedbackList path={`/api/0/issues/${encodeURIComponent(data.id)}/user-reports/`} title={`User feedback (${data.userReportCount})`} emptyText="No feedback." />
      )}
      {activity.data && <IssueActivity issueId={data.id} activity={activity.data.activity} onChanged={() => { activity.reload(); issue.reload(); }} />}
      {activity.error !== undefined && !activity.data && <p class="error-text">Could not load the activity: {describeError(activity.error)}</p>}

      {event.data && <SuspectCommits key={`suspects-${event.data.eventID}`} org={props.org} project={data.project.slug} eventId={event.data.eventID} />}
      {event.data && <ExplainPanel key={event.data.eventID} issueId={data.id} eventId={event.data.eventID} />}

      <section class="panel event-panel">
        <div class="panel-head event-nav">
          <h2>
            {which === "latest" ? "Latest event" : which === "oldest" ? "Oldest event" : "Event"}
            {event.data && <code class="event-id">{event.data.eventID.slice(0, 12)}</code>}
          </h2>
          <div class="button-row" role="group" aria-label="Event navigation">
            <button type="button" onClick={() => navigate(issuePath(data.id, "oldest"))} disabled={which === "oldest"}>Oldest</button>
            <button type="button" disabled={!event.data?.previousEventID} onClick={() => event.data?.previousEventID && navigate(issuePath(data.id, event.data.previousEventID))}>‹ Older</button>
            <button type="button" disabled={!event.data?.nextEventID} onClick={() => event.data?.nextEventID && navigate(issuePath(data.id, event.data.nextEventID))}>Newer ›</button>
            <button type="button" onClick={() => navigate(issuePath(data.id))} disabled={which === "latest"}>Latest</button>
            {typeof event.data?.contexts.trace?.trace_id === "string" && (
              <Link class="button" href={tracePath(event.data.contexts.trace.trace_id, event.data.eventID)}>View trace</Link>
            )}
            {event.data && (
              <a
                class="button"
                href={`/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(data.project.slug)}/events/${event.data.eventID}/`}
                download={`event-${event.data.eventID}.json`}
              >
                JSON
              </a>
            )}
          </div>
        </div>
        {event.error !== undefined && <ErrorBox title="Could not load the event" message={describeError(event.error)} onRetry={event.reload} />}
        {!event.data && event.error === undefined && <div class="loading-block">Loading event…</div>}
        {event.data && <EventView event={event.data} />}
      </section>

      {event.data && <GroupingInfo key={`grouping-${event.data.eventID}`} org={props.org} project={data.project.slug} eventId={event.data.eventID} />}
    </article>
  );
}

/** A cron monitor failure issue links back to its monitor (its events carry the monitor.slug tag). */
function MonitorLink(props: { project: string; tags: { key: string; value: string }[] | undefined }) {
  const slug = props.tags?.find((t) => t.key === "monitor.slug")?.value;
  return slug ? <Link href={monitorPath(props.project, slug)} class="monitor-link">cron monitor {slug}</Link> : null;
}
