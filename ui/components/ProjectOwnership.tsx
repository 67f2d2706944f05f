import { useState } from "preact/hooks";
import type { ApiOwnership } from "../../src/contract/index.ts";
import { apiSend, describeError } from "../api/client.ts";
import { useApi } from "../hooks/use-api.ts";
import { useFormSubmit } from "../hooks/use-form-submit.ts";
import { ErrorBox } from "./ErrorBox.tsx";
import "../activity.css";

const EXAMPLE = "# the last matching rule wins; its first owner is assigned\npath:src/billing/* #billing\ntags.team:payments payments-oncall@example.com\nurl:*/admin/* admin@example.com";

/**
 * A project's ownership rules in Sentry's syntax: who owns an issue (assigned on its first event,
 * mailed by owner-targeted alerts) and whether everyone is mailed when no rule matches.
 */
export function ProjectOwnership(props: { org: string; slug: string }) {
  const path = `/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.slug)}/ownership/`;
  const ownership = useApi<ApiOwnership>(path);
  return (
    <div class="panel project-ownership">
      <h2>Ownership rules</h2>
      {ownership.error !== undefined && <ErrorBox title="Could not load the ownership rules" message={describeError(ownership.error)} onRetry={ownership.reload} />}
      {ownership.data && <OwnershipForm path={path} ownership={ownership.data} onSaved={ownership.reload} />}
    </div>
  );
}

// --- Internal ---

function OwnershipForm(props: { path: string; ownership: ApiOwnership; onSaved: () => void }) {
  const [raw, setRaw] = useState(props.ownership.raw);
  const [fallthrough, setFallthrough] = useState(props.ownership.fallthrough);
  const [autoAssign, setAutoAssign] = useState(props.ownership.autoAssignment === "Auto Assign to Issue Owner");
  const [saved, setSaved] = useState(false);
  const { busy, error, onSubmit } = useFormSubmit();
  const save = onSubmit(async () => {
    setSaved(false);
    await apiSend("PUT", props.path, { raw, fallthrough, autoAssignment: autoAssign ? "Auto Assign to Issue Owner" : "Turn off Auto-Assignment" });
    setSaved(true);
    props.onSaved();
  });
  return (
    <form class="ownership-form" onSubmit={save}>
      <p class="muted">
        One rule per line: <code>path:</code>, <code>module:</code>, <code>url:</code> or <code>tags.&lt;key&gt;:</code> and a glob, then owners
        (emails or <code>#team</code>; teams come from <code>lighttrace teams</code>).
      </p>
      <label>Ownership rules
        <textarea rows={6} spellcheck={false} value={raw} placeholder={EXAMPLE} onInput={(e) => { setRaw(e.currentTarget.value); setSaved(false); }} />
      </label>
      <label class="checkbox"><input type="checkbox" checked={autoAssign} onChange={(e) => setAutoAssign(e.currentTarget.checked)} /> Assign new issues to their owner</label>
      <label class="checkbox"><input type="checkbox" checked={fallthrough} onChange={(e) => setFallthrough(e.currentTarget.checked)} /> Mail everyone when no rule matches</label>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>Save ownership</button>
        {saved && <span class="muted" role="status">Saved.</span>}
      </div>
      {error && <p class="error-text" role="alert">{error}</p>}
    </form>
  );
}
