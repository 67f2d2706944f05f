import { describeError } from "../api/client.ts";
import type { ApiReleaseListItem } from "../../src/contract/index.ts";
import { useApi } from "../hooks/use-api.ts";
import { releasesPath } from "../lib/routes.ts";
import { Link } from "./Link.tsx";
import { ReleaseTable } from "./ReleaseTable.tsx";

/** The project overview's release health: its five latest releases with crash-free rates and adoption. */
export function ProjectReleaseHealth(props: { org: string; slug: string }) {
  const releases = useApi<ApiReleaseListItem[]>(
    `/api/0/organizations/${encodeURIComponent(props.org)}/releases/?project=${encodeURIComponent(props.slug)}&health=1&per_page=5`,
  );
  return (
    <div class="panel project-release-health">
      <div class="panel-head">
        <h2>ApiReleaseListItem health</h2>
        <span class="panel-links"><Link href={releasesPath(props.slug)}>All releases →</Link></span>
      </div>
      {releases.error !== undefined && <p class="error-text">{describeError(releases.error)}</p>}
      {releases.data && releases.data.length === 0 && <p class="muted">No releases yet: set <code>release</code> in the SDK.</p>}
      {releases.data && releases.data.length > 0 && <ReleaseTable releases={releases.data} project={props.slug} compact />}
    </div>
  );
}
