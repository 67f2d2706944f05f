import type { EmailAction } from "../alert-rules/rule-schema.ts";
import type { Store } from "../store/types.ts";
import { loadOwnership, ownerEmails } from "./owners.ts";
import { matchOwnership, ownershipFacts } from "./match.ts";

/**
 * Who an email action mails for one alert (Sentry's `targetType`):
 * - `Member`: that address; `Team`: the team's member emails;
 * - `IssueOwners`: the owners the project's rules give the alert's event (team owners by their
 *   members), else — when no rule matches and neither the action (`fallthroughType: NoOne`) nor
 *   the project (`fallthrough: false`) says otherwise — the usual recipients;
 * - no target: the usual recipients (`to`, plus the admins with `includeAdmins`), from `usual`.
 */
export async function alertRecipients(store: Store, action: EmailAction, alert: { projectId: number; eventId: string | null },
  usual: () => Promise<string[]>): Promise<string[]> {
  if (action.targetType === "Member") return [action.targetIdentifier!.toLowerCase()];
  if (action.targetType === "Team") {
    const org = await store.getOrganization();
    return (org && (await store.getTeam(org.id, action.targetIdentifier!))?.memberEmails) || [];
  }
  if (action.targetType !== "IssueOwners") return usual();
  const { settings, rules } = await loadOwnership(store, alert.projectId);
  const stored = alert.eventId && rules.length ? await store.getEvent(alert.projectId, alert.eventId) : undefined;
  const match = stored ? matchOwnership(rules, ownershipFacts(stored.event)) : undefined;
  const owners = match ? await ownerEmails(store, match.owners) : [];
  if (owners.length) return owners;
  if (action.fallthroughType === "NoOne" || !settings.fallthrough) return [];
  return usual();
}
