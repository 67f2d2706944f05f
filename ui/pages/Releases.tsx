import type { ApiProject, ApiReleaseListItem } from "../../src/contract/index.ts";
import { describeError } from "../api/client.ts";
import { EmptyState } from "../components/EmptyState.tsx";
import { ErrorBox } from "../components/ErrorBox.tsx";
import { ReleaseTable } from "../components/ReleaseTable.tsx";
import { useApi } from "../hooks/use-api.ts";
import { navigate } from "../hooks/use-location.ts";
import { releasesPath } from "../lib/routes.ts";

/** Releases of one project (or all), newest first, with crash-free rates over 14 days and 24 h adoption. */
export function Releases(props: { org: string; project?: string | undefined }) {
  const projects = useApi<ApiProject[]>(`/api/0/organizations/${encodeURIComponent(props.org)}/projects/`);
  const scope = props.project ? `&project=${encodeURIComponent(props.project)}` : "";
  const releases = useApi<ApiReleaseListItem[]>(`/api/0/organizations/${encodeURIComponent(props.org)}/releases/?health=1&per_page=50${scope}`);
  return (
    <section class="releases-page">
      <div class="page-title">
        <h1>Releases</h1>
        <label class="inline-label">Project{" "}
          <select value={props.project ?? ""} onChange={(e) => navigate(releasesPath(e.currentTarget.value || undefined))}>
            <option value="">All projects</option>
            {(projects.data ?? []).map((p) => <option key={p.id} value={p.slug}>{p.slug}</option>)}
          </select>
        </label>
      </div>
      {releases.error !== undefined && <ErrorBox title="Could not load releases" message={describeError(releases.error)} onRetry={releases.reload} />}
      {!releases.data && releases.error === undefined && <div class="loading-block">Loading releases…</div>}
      {releases.data && releases.data.length === 0 && (
        <EmptyState title="No releases yet">
          <p>Set <code>release</code> in the SDK (or run <code>sentry-cli releases new</code>): events and sessions then show up per release here.</p>
        </EmptyState>
      )}
      {releases.data && releases.data.length > 0 && (
        <div class="panel"><ReleaseTable releases={releases.data} project={props.project} /></div>
      )}
    </section>
  );
}
