import { useState } from "preact/hooks";
import type { ApiActivity } from "../../src/contract/index.ts";
import { apiSend, describeError } from "../api/client.ts";
import { formatDateTime, formatRelativeTime } from "../format.ts";
import { activityActor, describeActivity, LESSON_TEMPLATE } from "../lib/activity.ts";
import "../activity.css";

/**
 * The issue's activity timeline (newest first) with a note box on top. The box offers the
 * post-incident lesson template; a note's author may edit or delete it.
 */
export function IssueActivity(props: { issueId: string; activity: ApiActivity[]; onChanged: () => void }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<{ id: string; text: string } | undefined>(undefined);
  const base = `/api/0/issues/${encodeURIComponent(props.issueId)}/comments/`;
  const run = async (what: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      props.onChanged();
      return true;
    } catch (err) {
      setError(`Could not ${what}: ${describeError(err)}`);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const now = Date.now();
  return (
    <section class="panel activity-panel" aria-label="Activity">
      <h2>Activity</h2>
      <form class="note-box" onSubmit={async (e) => {
        e.preventDefault();
        if (await run("add the note", () => apiSend("POST", base, { text }))) setText("");
      }}>
        <textarea aria-label="Note" rows={4} maxLength={4096} placeholder="Add a note: what you found, what you changed…" value={text}
          onInput={(e) => setText(e.currentTarget.value)} />
        <div class="button-row">
          <button type="submit" class="primary" disabled={busy || !text.trim()}>Add note</button>
          <button type="button" disabled={busy} title="What broke / why the tests missed it / the test that now guards it"
            onClick={() => setText((t) => (t.trim() ? `${t}\n\n${LESSON_TEMPLATE}` : LESSON_TEMPLATE))}>Write the lesson</button>
        </div>
      </form>
      {error && <div class="notice notice-error" role="alert">{error}</div>}
      <ol class="activity-list">
        {props.activity.map((a) => (
          <li key={a.id} class={`activity activity-${a.type}`} data-testid="activity">
            <div class="activity-head">
              <strong>{describeActivity(a)}</strong>
              <span class="activity-who">{activityActor(a)}</span>
              <time datetime={a.dateCreated} title={formatDateTime(a.dateCreated)}>{formatRelativeTime(a.dateCreated, now)}</time>
              {a.dateUpdated && <span class="activity-edited" title={formatDateTime(a.dateUpdated)}>edited</span>}
              {a.type === "note" && a.isAuthor && editing?.id !== a.id && (
                <span class="activity-tools">
                  <button type="button" class="link" disabled={busy} onClick={() => setEditing({ id: a.id, text: String(a.data.text ?? "") })}>Edit</button>
                  <button type="button" class="link" disabled={busy} onClick={() => run("delete the note", () => apiSend("DELETE", `${base}${a.id}/`))}>Delete</button>
                </span>
              )}
            </div>
            {a.type === "note" && editing?.id === a.id ? (
              <form class="note-edit" onSubmit={async (e) => {
                e.preventDefault();
                if (await run("save the note", () => apiSend("PUT", `${base}${a.id}/`, { text: editing.text }))) setEditing(undefined);
              }}>
                <textarea aria-label="Edit note" rows={4} maxLength={4096} value={editing.text} onInput={(e) => setEditing({ id: a.id, text: e.currentTarget.value })} />
                <div class="button-row">
                  <button type="submit" class="primary" disabled={busy || !editing.text.trim()}>Save</button>
                  <button type="button" disabled={busy} onClick={() => setEditing(undefined)}>Cancel</button>
                </div>
              </form>
            ) : a.type === "note" && <p class="note-text">{String(a.data.text ?? "")}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
