import { useState } from "preact/hooks";
import type { ApiGroupingRules } from "../../src/contract/index.ts";
import { apiSend, describeError } from "../api/client.ts";
import { formatDateTime } from "../format.ts";
import { useApi } from "../hooks/use-api.ts";
import { useFormSubmit } from "../hooks/use-form-submit.ts";
import { ErrorBox } from "./ErrorBox.tsx";

const EXAMPLE = "# our code, which the SDK does not mark in-app\nstack.module:com.acme.** +app\n# generated code is noise\nstack.abs_path:**/generated/** -group";

/**
 * A project's stack-trace rules in Sentry's syntax, run after the built-in ones (shown folded).
 * Saving a change keeps existing issues: events still find them by the keys the old rules made.
 */
export function ProjectGroupingRules(props: { org: string; slug: string }) {
  const path = `/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.slug)}/grouping-rules/`;
  const rules = useApi<ApiGroupingRules>(path);
  // kept here: a save reloads the rules, which makes a new form (its key is the rules' update time)
  const [saved, setSaved] = useState(false);
  return (
    <div class="panel grouping-rules">
      <h2>Grouping rules</h2>
      {rules.error !== undefined && <ErrorBox title="Could not load the grouping rules" message={describeError(rules.error)} onRetry={rules.reload} />}
      {rules.data && <RulesForm key={rules.data.updatedAt ?? "none"} path={path} rules={rules.data} saved={saved} setSaved={setSaved} onSaved={rules.reload} />}
    </div>
  );
}

// --- Internal ---

function RulesForm(props: { path: string; rules: ApiGroupingRules; saved: boolean; setSaved: (saved: boolean) => void; onSaved: () => void }) {
  const [text, setText] = useState(props.rules.stackRules);
  const { saved, setSaved } = props;
  const { busy, error, onSubmit } = useFormSubmit();
  const save = onSubmit(async () => {
    setSaved(false);
    await apiSend("PUT", props.path, { stackRules: text });
    setSaved(true);
    props.onSaved();
  });
  return (
    <form class="grouping-rules-form" onSubmit={save}>
      <p class="muted">
        One rule per line, Sentry's stack-trace rule syntax: matchers (<code>stack.module:</code>, <code>stack.abs_path:</code>,
        <code>stack.function:</code>, <code>family:</code>, <code>app:</code>, <code>error.type:</code>…) then actions
        (<code>+app</code>, <code>-app</code>, <code>-group</code>, <code>^-group</code>, <code>max-frames=N</code>). Existing issues keep their events.
      </p>
      <label>Stack-trace rules
        <textarea rows={6} spellcheck={false} value={text} placeholder={EXAMPLE} onInput={(e) => { setText(e.currentTarget.value); setSaved(false); }} />
      </label>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy || text === props.rules.stackRules}>Save rules</button>
        {saved && <span class="muted" role="status">Saved; new events use them within a second.</span>}
      </div>
      {error && <p class="error-text" role="alert">{error}</p>}
      {props.rules.previousStackRules.length > 0 && (
        <p class="muted">Keys of {props.rules.previousStackRules.length} earlier rule set(s) are still tried, the latest until {formatDateTime(props.rules.previousStackRules[0]!.triedUntil)}.</p>
      )}
      <details>
        <summary>Built-in rules ({props.rules.mechanism}), applied first</summary>
        <pre class="builtin-rules">{props.rules.builtinStackRules}</pre>
      </details>
    </form>
  );
}
