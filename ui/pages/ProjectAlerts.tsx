import { useState } from "preact/hooks";
import { apiSend, describeError } from "../api/client.ts";
import { ErrorBox } from "../components/ErrorBox.tsx";
import { Link } from "../components/Link.tsx";
import { formatRelativeTime } from "../format.ts";
import { useApi } from "../hooks/use-api.ts";
import { useFormSubmit } from "../hooks/use-form-submit.ts";
import { describeAction, describeFilters, describeTriggers, EMPTY_RULE_FORM, ruleBody, triggerLabel, type RuleForm } from "../lib/alerts.ts";
import type { ApiAlertDelivery, ApiAlertRule, ApiTestEmailResult } from "../../src/contract/index.ts";
import { issuePath, projectPath } from "../lib/routes.ts";

const LEVELS = ["fatal", "error", "warning", "info", "debug"];

/** A project's alert rules (list, create, enable/disable, delete), a test email, and recent deliveries. */
export function ProjectAlerts(props: { org: string; project: string }) {
  const base = `/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.project)}`;
  const rules = useApi<ApiAlertRule[]>(`${base}/rules/`);
  const deliveries = useApi<ApiAlertDelivery[]>(`${base}/alert-deliveries/?limit=20`);
  return (
    <section class="alerts-page">
      <nav class="breadcrumb-nav"><Link href={projectPath(props.project)}>{props.project}</Link> / alerts</nav>
      <div class="page-title"><h1>Alerts</h1><span class="muted">email and webhooks on new issues, regressions and spikes</span></div>
      {rules.error !== undefined && <ErrorBox title="Could not load the alert rules" message={describeError(rules.error)} onRetry={rules.reload} />}
      <div class="alerts-grid">
        <div>
          <ul class="rule-list" aria-label="Alert rules">
            {(rules.data ?? []).map((r) => <RuleCard key={r.id} rule={r} base={base} onChanged={rules.reload} />)}
          </ul>
          {rules.data?.length === 0 && <p class="muted">No rules: this project sends no alerts.</p>}
          <h2>Recent deliveries</h2>
          <DeliveryTable rows={deliveries.data ?? []} />
        </div>
        <div class="alerts-side">
          <NewRule base={base} onCreated={() => rules.reload()} />
          <TestEmail org={props.org} />
        </div>
      </div>
    </section>
  );
}

// --- Internal ---

function RuleCard(props: { rule: ApiAlertRule; base: string; onChanged: () => void }) {
  const r = props.rule;
  const [error, setError] = useState<string | undefined>(undefined);
  const act = (run: () => Promise<unknown>) => async () => {
    setError(undefined);
    try {
      await run();
      props.onChanged();
    } catch (err) {
      setError(describeError(err));
    }
  };
  const url = `${props.base}/rules/${r.id}/`;
  return (
    <li class={`panel rule ${r.status === "disabled" ? "rule-off" : ""}`} data-rule={r.name}>
      <div class="panel-head">
        <strong>{r.name}</strong>
        <span class="badge badge-status">{r.status}{r.isDefault ? " · default" : ""}</span>
      </div>
      <p>On {describeTriggers(r)} <span class="muted">· cooldown {r.frequency} min</span></p>
      <p class="muted">Filters: {describeFilters(r)}</p>
      <ul class="rule-actions">{r.actions.map((a, i) => <li key={i}>{describeAction(a)}</li>)}</ul>
      <div class="issue-actions">
        <button type="button" onClick={act(() => apiSend("PUT", url, { status: r.status === "active" ? "disabled" : "active" }))}>
          {r.status === "active" ? "Disable" : "Enable"}
        </button>
        <button type="button" onClick={act(async () => {
          if (confirm(`Delete the alert rule "${r.name}"?`)) await apiSend("DELETE", url);
        })}>Delete</button>
      </div>
      {error && <p class="error-text" role="alert">{error}</p>}
    </li>
  );
}

function NewRule(props: { base: string; onCreated: () => void }) {
  const [f, setF] = useState<RuleForm>(EMPTY_RULE_FORM);
  const { busy, error, onSubmit } = useFormSubmit();
  const set = <K extends keyof RuleForm>(key: K) => (value: RuleForm[K]) => setF((prev) => ({ ...prev, [key]: value }));
  const text = (key: "name" | "spikeMinEvents" | "spikeFactor" | "spikeWindow" | "usersMin" | "usersWindow" | "environments" | "tags" | "emails" | "webhookUrl" | "frequency") =>
    ({ value: f[key], onInput: (e: Event) => set(key)((e.currentTarget as HTMLInputElement).value) });
  const check = (key: "newIssue" | "regression" | "spike" | "users" | "includeAdmins" | "dailyDigest") =>
    ({ checked: f[key], onChange: (e: Event) => set(key)((e.currentTarget as HTMLInputElement).checked) });
  const submit = onSubmit(async () => {
    await apiSend("POST", `${props.base}/rules/`, ruleBody(f));
    setF(EMPTY_RULE_FORM);
    props.onCreated();
  });
  return (
    <form class="panel rule-form" onSubmit={submit} aria-label="New alert rule">
      <h2>New rule</h2>
      <label>Name <input type="text" required maxLength={200} placeholder="Checkout errors" {...text("name")} /></label>
      <fieldset>
        <legend>When</legend>
        <label class="check"><input type="checkbox" {...check("newIssue")} /> a new issue appears</label>
        <label class="check"><input type="checkbox" {...check("regression")} /> a resolved issue comes back</label>
        <label class="check"><input type="checkbox" {...check("spike")} /> an issue spikes</label>
        {f.spike && (
          <div class="inline-fields">
            <label>≥ events <input type="number" min={1} {...text("spikeMinEvents")} /></label>
            <label>× baseline <input type="number" min={1} step="any" {...text("spikeFactor")} /></label>
            <label>in minutes <input type="number" min={1} max={60} {...text("spikeWindow")} /></label>
          </div>
        )}
        <label class="check"><input type="checkbox" {...check("users")} /> many users are affected</label>
        {f.users && (
          <div class="inline-fields">
            <label>≥ users <input type="number" min={1} {...text("usersMin")} /></label>
            <label>in minutes <input type="number" min={1} max={1440} {...text("usersWindow")} /></label>
          </div>
        )}
        <label class="check"><input type="checkbox" {...check("dailyDigest")} /> daily digest of new and regressed issues</label>
      </fieldset>
      <fieldset>
        <legend>Only if (empty = any)</legend>
        <label>Environments <input type="text" placeholder="production, staging" {...text("environments")} /></label>
        <div class="inline-fields" role="group" aria-label="Levels">
          {LEVELS.map((l) => (
            <label key={l} class="check"><input type="checkbox" checked={f.levels.includes(l)}
              onChange={(e) => set("levels")(e.currentTarget.checked ? [...f.levels, l] : f.levels.filter((x) => x !== l))} /> {l}</label>
          ))}
        </div>
        <label>Tags <input type="text" placeholder="team:billing, component:checkout" {...text("tags")} /></label>
      </fieldset>
      <fieldset>
        <legend>Then</legend>
        <label>Email <input type="text" placeholder="oncall@example.com, dev@example.com" {...text("emails")} /></label>
        <label class="check"><input type="checkbox" {...check("includeAdmins")} /> also the users and LIGHTTRACE_ALERT_TO</label>
        <label>Webhook URL <input type="url" placeholder="https://hooks.slack.com/services/…" {...text("webhookUrl")} /></label>
        <label>Webhook format
          <select value={f.webhookFormat} onChange={(e) => set("webhookFormat")(e.currentTarget.value as "json" | "slack")}>
            <option value="json">Generic JSON</option>
            <option value="slack">Slack-compatible</option>
          </select>
        </label>
        <label>Cooldown (minutes) <input type="number" min={1} {...text("frequency")} /></label>
      </fieldset>
      <button type="submit" class="primary" disabled={busy || !f.name.trim()}>Create rule</button>
      {error && <p class="error-text" role="alert">{error}</p>}
    </form>
  );
}

function TestEmail(props: { org: string }) {
  const [to, setTo] = useState("");
  const [result, setResult] = useState<{ sent: boolean; message: string } | undefined>(undefined);
  const { busy, error, onSubmit } = useFormSubmit();
  const submit = onSubmit(async () => {
    setResult(undefined);
    setResult(await apiSend<ApiTestEmailResult>("POST", `/api/0/organizations/${encodeURIComponent(props.org)}/alerts/test-email/`, { to: to.trim() }));
  });
  return (
    <form class="panel test-email" onSubmit={submit} aria-label="Send a test email">
      <h2>Test the email settings</h2>
      <label>Send to <input type="email" required value={to} placeholder="you@example.com" onInput={(e) => setTo(e.currentTarget.value)} /></label>
      <button type="submit" disabled={busy || !to.trim()}>{busy ? "Sending…" : "Send test email"}</button>
      {result && <p role="status" class={`notice ${result.sent ? "notice-ok" : "notice-error"}`}>{result.message}</p>}
      {error && <p class="error-text" role="alert">{error}</p>}
    </form>
  );
}

function DeliveryTable(props: { rows: ApiAlertDelivery[] }) {
  if (props.rows.length === 0) return <p class="muted">No alerts sent yet.</p>;
  return (
    <table class="deliveries">
      <thead><tr><th>When</th><th>Trigger</th><th>Issue</th><th>To</th><th>Status</th></tr></thead>
      <tbody>
        {props.rows.map((d) => (
          <tr key={d.id}>
            <td title={d.dateCreated}>{formatRelativeTime(d.dateCreated, Date.now())}</td>
            <td>{triggerLabel(d.trigger)}</td>
            <td>{d.issueId ? <Link href={issuePath(d.issueId)}>#{d.issueId}</Link> : "—"}</td>
            <td class="muted">{describeAction(d.action)}</td>
            <td>{d.status}{d.attempts > 1 ? ` after ${d.attempts} attempts` : ""}{d.lastError ? <div class="small error-text">{d.lastError}</div> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
