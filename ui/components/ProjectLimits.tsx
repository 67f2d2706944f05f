import { useEffect, useState } from "preact/hooks";
import { apiSend, describeError } from "../api/client.ts";
import type { ApiLimitOverrides, ApiProjectLimits, ApiProjectOutcomes } from "../../src/contract/index.ts";
import { useApi } from "../hooks/use-api.ts";
import { useFormSubmit } from "../hooks/use-form-submit.ts";
import { ErrorBox } from "./ErrorBox.tsx";

type NumberField = "eventsPerMinute" | "monthlyQuota" | "maxStoredEvents" | "maxEventAgeDays";

const NUMBER_FIELDS: { key: NumberField; label: string; unit: string }[] = [
  { key: "eventsPerMinute", label: "Rate limit", unit: "error events / minute" },
  { key: "monthlyQuota", label: "Monthly quota", unit: "error events / month" },
  { key: "maxStoredEvents", label: "Stored events", unit: "events kept" },
  { key: "maxEventAgeDays", label: "Event age", unit: "days kept" },
];

/**
 * A project's limits: rate limit, monthly quota, retention and data scrubbing (empty field =
 * the installation default, shown as placeholder), what this month used, what the quota refused
 * and what SDKs say they dropped, by reason.
 */
export function ProjectLimits(props: { org: string; slug: string }) {
  const base = `/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.slug)}`;
  const limits = useApi<ApiProjectLimits>(`${base}/limits/`);
  const outcomes = useApi<ApiProjectOutcomes>(`${base}/outcomes/`);
  return (
    <div class="panel project-limits">
      <h2>Limits and retention</h2>
      {limits.error !== undefined && <ErrorBox title="Could not load the limits" message={describeError(limits.error)} onRetry={limits.reload} />}
      {limits.data && <LimitsForm base={base} limits={limits.data} onSaved={() => { limits.reload(); outcomes.reload(); }} />}
      {outcomes.error !== undefined && <ErrorBox title="Could not load usage" message={describeError(outcomes.error)} onRetry={outcomes.reload} />}
      {outcomes.data && <Usage outcomes={outcomes.data} />}
    </div>
  );
}

// --- Internal ---

function LimitsForm(props: { base: string; limits: ApiProjectLimits; onSaved: () => void }) {
  const toText = (o: ApiLimitOverrides) => Object.fromEntries(NUMBER_FIELDS.map((f) => [f.key, o[f.key] === null ? "" : String(o[f.key])])) as Record<NumberField, string>;
  const [values, setValues] = useState(toText(props.limits.overrides));
  const [scrub, setScrub] = useState<"" | "on" | "off">(props.limits.overrides.scrubData === null ? "" : props.limits.overrides.scrubData ? "on" : "off");
  const [fields, setFields] = useState(props.limits.overrides.sensitiveFields.join(", "));
  const [saved, setSaved] = useState(false);
  useEffect(() => setValues(toText(props.limits.overrides)), [props.limits]);
  const { busy, error, onSubmit } = useFormSubmit();
  const submit = onSubmit(async () => {
    const body: Record<string, unknown> = {};
    for (const f of NUMBER_FIELDS) {
      const text = values[f.key].trim();
      if (text !== "" && !/^\d+(\.\d+)?$/.test(text)) throw new Error(`${f.label}: enter a number, or leave it empty for the default`);
      body[f.key] = text === "" ? null : Number(text);
    }
    body.scrubData = scrub === "" ? null : scrub === "on";
    body.sensitiveFields = fields.split(",").map((s) => s.trim()).filter(Boolean);
    await apiSend("PUT", `${props.base}/limits/`, body);
    setSaved(true);
    props.onSaved();
  });
  const d = props.limits.defaults;
  const describeDefault = (key: NumberField) => (d[key] === 0 ? "default: off" : `default: ${d[key]}`);
  return (
    <form class="limits-form" onSubmit={submit} onInput={() => setSaved(false)}>
      {NUMBER_FIELDS.map((f) => (
        <label key={f.key}>{f.label}
          <input type="text" inputMode="numeric" name={f.key} value={values[f.key]} placeholder={describeDefault(f.key)}
            onInput={(e) => setValues({ ...values, [f.key]: e.currentTarget.value })} />
          <span class="muted">{f.unit}; 0 = off; now {props.limits.effective[f.key] === 0 ? "off" : props.limits.effective[f.key]}</span>
        </label>
      ))}
      <label>Data scrubbing
        <select name="scrubData" value={scrub} onChange={(e) => setScrub(e.currentTarget.value as "" | "on" | "off")}>
          <option value="">{`Default (${d.scrubData ? "on" : "off"})`}</option>
          <option value="on">On</option>
          <option value="off">Off</option>
        </select>
      </label>
      <label>Extra sensitive fields
        <input type="text" name="sensitiveFields" value={fields} placeholder="e.g. iban, ssn" onInput={(e) => setFields(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={busy}>Save limits</button>
      {saved && <span class="muted" role="status">Saved.</span>}
      {error && <p class="error-text" role="alert">{error}</p>}
    </form>
  );
}

function Usage(props: { outcomes: ApiProjectOutcomes }) {
  const o = props.outcomes;
  return (
    <div class="usage">
      <p>
        <strong>{o.acceptedThisMonth.toLocaleString("en")}</strong> error events accepted in {o.month}
        {o.monthlyQuota > 0 && <> of a quota of {o.monthlyQuota.toLocaleString("en")}</>}
        {" · "}<strong>{o.storedEvents.toLocaleString("en")}</strong> events stored{o.maxStoredEvents > 0 && <> (cap {o.maxStoredEvents.toLocaleString("en")})</>}
      </p>
      <h3>Refused by the limits, last {o.days} days: <span class="rejected-total">{o.rateLimitedTotal.toLocaleString("en")}</span></h3>
      <CountTable rows={o.rateLimited} empty="Nothing refused." />
      <h3>Dropped by SDKs (client reports), last {o.days} days: <span class="discarded-total">{o.clientDiscardedTotal.toLocaleString("en")}</span></h3>
      <CountTable rows={o.clientDiscarded} empty="No drops reported." />
    </div>
  );
}

function CountTable(props: { rows: { reason: string; category: string; quantity: number }[]; empty: string }) {
  if (props.rows.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <table class="kv outcome-table">
      <thead><tr><th>Reason</th><th>Category</th><th>Count</th></tr></thead>
      <tbody>
        {props.rows.map((r) => <tr key={r.reason + r.category}><td>{r.reason}</td><td>{r.category}</td><td>{r.quantity.toLocaleString("en")}</td></tr>)}
      </tbody>
    </table>
  );
}
