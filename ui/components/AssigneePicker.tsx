import { useState } from "preact/hooks";
import type { ApiAssignee, ApiLogin, ApiTeam } from "../../src/contract/index.ts";
import { useApi } from "../hooks/use-api.ts";
import { assigneeLabel } from "../lib/activity.ts";

/**
 * The assignee and how to change it: pick the signed-in user or a team, or type any
 * email (an owner need not have a LightTrace login); Unassign clears it.
 */
export function AssigneePicker(props: { org: string; assignedTo: ApiAssignee | null; busy: boolean; onAssign: (assignedTo: string | null) => void }) {
  const teams = useApi<ApiTeam[]>(`/api/0/organizations/${encodeURIComponent(props.org)}/teams/`);
  const login = useApi<ApiLogin | { user: null }>("/api/0/auth/login/");
  const [value, setValue] = useState("");
  const me = login.data?.user?.email;
  const choices = [...(me ? [me] : []), ...(teams.data ?? []).filter((t) => t.slug !== "default").map((t) => `#${t.slug}`)];
  const submit = (e: Event) => {
    e.preventDefault();
    const v = value.trim();
    if (v) props.onAssign(v);
    setValue("");
  };
  return (
    <form class="assignee-picker" onSubmit={submit}>
      <span class="assignee-current" data-testid="assignee">{assigneeLabel(props.assignedTo)}</span>
      <input type="text" list="assignee-choices" aria-label="Assign to (email, #team or user:id)" placeholder="email or #team" value={value}
        onInput={(e) => setValue(e.currentTarget.value)} disabled={props.busy} />
      <datalist id="assignee-choices">{choices.map((c) => <option key={c} value={c} />)}</datalist>
      <button type="submit" disabled={props.busy || !value.trim()}>Assign</button>
      {me && props.assignedTo?.email !== me && <button type="button" disabled={props.busy} onClick={() => props.onAssign(me)}>Assign to me</button>}
      {props.assignedTo && <button type="button" disabled={props.busy} onClick={() => props.onAssign(null)}>Unassign</button>}
    </form>
  );
}
