import { useState } from "preact/hooks";
import type { ApiReleaseListItem } from "../../src/contract/index.ts";
import { useApi } from "../hooks/use-api.ts";

/** What a resolve action sends as the issue PUT body (Sentry's status + statusDetails). */
export type StatusChange = { status: "resolved" | "unresolved" | "ignored"; statusDetails?: { inRelease?: string; inNextRelease?: boolean } };

/**
 * Resolve, resolve in the next release, or resolve in a chosen release (the project's releases,
 * newest first); Ignore. An issue resolved in a release only comes back for events from that
 * release or a newer one.
 */
export function ResolveActions(props: { org: string; project: string; busy: boolean; onChange: (change: StatusChange) => void }) {
  const releases = useApi<ApiReleaseListItem[]>(`/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.project)}/releases/?per_page=50`);
  const [chosen, setChosen] = useState("");
  const versions = releases.data?.map((r) => r.version) ?? [];
  const target = chosen || versions[0] || "";
  return (
    <div class="resolve-actions">
      <button type="button" class="primary" disabled={props.busy} onClick={() => props.onChange({ status: "resolved" })}>Resolve</button>
      <button type="button" disabled={props.busy || !versions.length} title={versions.length ? `Comes back only for events from a release newer than ${versions[0]}` : "No release known yet"}
        onClick={() => props.onChange({ status: "resolved", statusDetails: { inNextRelease: true } })}>Resolve in next release</button>
      <span class="resolve-in-release">
        <select aria-label="Release the fix is in" value={target} disabled={!versions.length} onChange={(e) => setChosen(e.currentTarget.value)}>
          {versions.map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
        <button type="button" disabled={props.busy || !target} onClick={() => props.onChange({ status: "resolved", statusDetails: { inRelease: target } })}>Resolve in release</button>
      </span>
      <button type="button" disabled={props.busy} onClick={() => props.onChange({ status: "ignored" })}>Ignore</button>
    </div>
  );
}
