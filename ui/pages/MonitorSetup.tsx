import { useState } from "preact/hooks";
import type { ApiMonitorConfig, ApiProjectKey } from "../../src/contract/index.ts";
import { CodeBlock } from "../components/CodeBlock.tsx";
import { useApi } from "../hooks/use-api.ts";
import { MONITOR_SNIPPET_PLATFORMS, monitorSnippet, type MonitorSnippetPlatform } from "../lib/monitors.ts";

const EXAMPLE_CONFIG: ApiMonitorConfig = {
  schedule_type: "crontab", schedule: "0 3 * * *", checkin_margin: 5, max_runtime: 30, timezone: "UTC",
  failure_issue_threshold: 1, recovery_threshold: 1, alert_rule_id: null,
};

/** Copy-paste check-ins for a job (Node, Python, sentry-cli, curl) with the project's DSN. */
export function MonitorSetup(props: { org: string; project: string; slug: string; config?: ApiMonitorConfig }) {
  const keys = useApi<ApiProjectKey[]>(`/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.project)}/keys/`);
  const [platform, setPlatform] = useState<MonitorSnippetPlatform>("node");
  const dsn = keys.data?.find((k) => k.isActive)?.dsn.public;
  return (
    <div class="panel monitor-setup">
      <div class="panel-head">
        <h2>Set up a job's check-ins</h2>
        <div class="segmented" role="tablist">
          {MONITOR_SNIPPET_PLATFORMS.map((p) => (
            <button key={p.platform} type="button" role="tab" aria-selected={platform === p.platform} class={platform === p.platform ? "on" : ""} onClick={() => setPlatform(p.platform)}>{p.label}</button>
          ))}
        </div>
      </div>
      {dsn ? <CodeBlock code={monitorSnippet(platform, dsn, props.slug, props.config ?? EXAMPLE_CONFIG)} /> : <p class="muted">Loading the project's DSN…</p>}
    </div>
  );
}
