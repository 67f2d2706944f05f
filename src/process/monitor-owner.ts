import type { AssigneeRef } from "../store/model/activity.ts";
import type { Store } from "../store/types.ts";

/**
 * The assignee a monitor's `owner` names (Sentry's actor string: `user:<id>`, `user:<email>`,
 * `team:<slug or id>`), with the activity data Sentry records for it; undefined when it names no
 * user or team of this installation (then the incident's issue is simply left unassigned).
 */
export async function resolveMonitorOwner(store: Pick<Store, "getOrganization" | "listTeams" | "listUsers">, owner: string): Promise<{ ref: AssigneeRef; data: Record<string, string> } | undefined> {
  const [kind, ...rest] = owner.split(":");
  const ref = rest.join(":");
  if (kind === "team") {
    const org = await store.getOrganization();
    const team = org && (await store.listTeams(org.id)).find((t) => t.slug === ref || String(t.id) === ref);
    return team ? { ref: { kind: "team", teamId: team.id }, data: { assignee: String(team.id), assigneeEmail: "", assigneeType: "team", assigneeName: team.slug } } : undefined;
  }
  if (kind !== "user") return undefined;
  const user = (await store.listUsers()).find((u) => (ref.includes("@") ? u.email.toLowerCase() === ref.toLowerCase() : String(u.id) === ref));
  if (user) return { ref: { kind: "user", userId: user.id }, data: { assignee: String(user.id), assigneeEmail: user.email, assigneeType: "user", assigneeName: user.email } };
  if (!ref.includes("@")) return undefined;
  const email = ref.toLowerCase();
  return { ref: { kind: "email", email }, data: { assignee: email, assigneeEmail: email, assigneeType: "user", assigneeName: email } };
}
