import type { ApiUserReport } from "../../src/contract/index.ts";
import { describeError } from "../api/client.ts";
import { formatDateTime, formatRelativeTime } from "../format.ts";
import { useApi } from "../hooks/use-api.ts";
import { issuePath } from "../lib/routes.ts";
import { Link } from "./Link.tsx";
import "../activity.css";

/**
 * User feedback: an issue's (`/issues/{id}/user-reports/`) or a project's
 * (`/projects/{org}/{project}/user-feedback/`, each linking the issue it is about, if any).
 */
export function FeedbackList(props: { path: string; title: string; showIssue?: boolean; emptyText: string }) {
  const reports = useApi<ApiUserReport[]>(props.path);
  const now = Date.now();
  return (
    <section class="panel feedback-panel" aria-label={props.title} data-testid="feedback">
      <h2>{props.title}</h2>
      {reports.error !== undefined && <p class="error-text">{describeError(reports.error)}</p>}
      {reports.data?.length === 0 && <p class="muted">{props.emptyText}</p>}
      <ul class="feedback-list">
        {reports.data?.map((r) => (
          <li key={r.id}>
            <div class="activity-head">
              <strong>{r.name || r.email || "Anonymous"}</strong>
              {r.email && r.name && <span class="activity-who">{r.email}</span>}
              <time datetime={r.dateCreated} title={formatDateTime(r.dateCreated)}>{formatRelativeTime(r.dateCreated, now)}</time>
              {props.showIssue && (r.issue ? <Link href={issuePath(r.issue.id)}>{r.issue.shortId}</Link> : <span class="activity-who">not about a known issue</span>)}
            </div>
            <p class="note-text">{r.comments}</p>
            {r.url && <p class="activity-who">from {r.url}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
