import type { ApiMonitorProcessingError } from "../../src/contract/index.ts";
import { formatRelativeTime } from "../format.ts";
import { useApi } from "../hooks/use-api.ts";

/** Check-ins of a project that could not be processed (an unknown slug without a schedule, a second end of a run, …). */
export function MonitorErrors(props: { org: string; project: string }) {
  const errors = useApi<ApiMonitorProcessingError[]>(`/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.project)}/processing-errors/`);
  if (!errors.data?.length) return null;
  const now = Date.now();
  return (
    <div class="panel monitor-errors" data-project={props.project}>
      <div class="panel-head"><h2>Check-ins not processed in {props.project}</h2></div>
      <table class="monitor-table">
        <thead><tr><th>Monitor slug</th><th>Problem</th><th>Why</th><th>When</th></tr></thead>
        <tbody>
          {errors.data.slice(0, 20).map((e) => (
            <tr key={e.id} data-error-type={e.errors[0]?.type}>
              <td><code>{e.monitorSlug}</code></td>
              <td>{e.errors[0]?.type.replace(/_/g, " ")}</td>
              <td class="small">{e.errors[0]?.detail}</td>
              <td>{formatRelativeTime(e.dateCreated, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
