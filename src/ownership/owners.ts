import type { NormalizedEvent } from "../events/types.ts";
import type { Logger } from "../logger.ts";
import type { AssigneeRef } from "../store/model/activity.ts";
import type { StoredOwnership } from "../store/model/ownership.ts";
import type { Store } from "../store/types.ts";
import { matchOwnership, ownerKey, ownershipFacts } from "./match.ts";
import { parseOwnershipRules, type Owner, type OwnershipRule } from "./rules.ts";

/** Sentry's defaults for a project whose ownership was never set. */
export const DEFAULT_OWNERSHIP = { raw: "", fallthrough: true, autoAssignment: "Auto Assign to Issue Owner" } as const;

/** A project's ownership settings and parsed rules (stored text is validated on write; a bad one reads as no rules). */
export async function loadOwnership(store: Store, projectId: number): Promise<{ settings: Omit<StoredOwnership, "projectId" | "createdAtSec" | "updatedAtSec">; rules: OwnershipRule[] }> {
  const settings = (await store.getProjectOwnership(projectId)) ?? DEFAULT_OWNERSHIP;
  let rules: OwnershipRule[] = [];
  try {
    rules = parseOwnershipRules(settings.raw);
  } catch {
    // written before a stricter parser: treated as no rules rather than failing ingest or alerts
  }
  return { settings, rules };
}

/** The owners of an event under its project's rules (the last matching rule), or undefined. */
export async function ownersOfEvent(store: Store, projectId: number, event: NormalizedEvent): Promise<{ rule: OwnershipRule; owners: Owner[] } | undefined> {
  const { rules } = await loadOwnership(store, projectId);
  return rules.length ? matchOwnership(rules, ownershipFacts(event)) : undefined;
}

/**
 * Email addresses that reach owners: a person's email, a team's member emails. Teams that do
 * not exist (any more) reach no one.
 */
export async function ownerEmails(store: Store, owners: readonly Owner[]): Promise<string[]> {
  const out = new Set<string>();
  const org = await store.getOrganization();
  for (const owner of owners) {
    if (owner.kind === "user") out.add(owner.email);
    else if (org) for (const email of (await store.getTeam(org.id, owner.slug))?.memberEmails ?? []) out.add(email);
  }
  return [...out];
}

/**
 * After a new issue's first event is committed: records the owners its rules give it (`owner:`
 * search) and, unless the project turned it off, assigns the first owner, never overriding an
 * assignment someone made (the store's conditional write). Errors are logged, never thrown: the
 * event is stored either way.
 */
export async function applyOwnershipToNewIssue(deps: { store: Store; logger: Logger; nowSec: () => number }, issueId: number, eventId: string): Promise<void> {
  const { store } = deps;
  try {
    const issue = await store.getIssue(issueId);
    if (!issue) return;
    const { settings, rules } = await loadOwnership(store, issue.projectId);
    if (rules.length === 0) return;
    const stored = await store.getEvent(issue.projectId, eventId);
    if (!stored) return;
    const match = matchOwnership(rules, ownershipFacts(stored.event));
    if (!match) return;
    await store.setIssueOwners(issueId, [...new Set(match.owners.map(ownerKey))]);
    if (settings.autoAssignment !== "Auto Assign to Issue Owner") return;
    const assignee = await _assigneeOf(store, match.owners[0]!);
    if (!assignee) return;
    await store.assignIssueIfNeverAssigned(issueId, assignee.ref, {
      issueId, projectId: issue.projectId, type: "assigned", actor: null, createdAtSec: deps.nowSec(),
      data: { ...assignee.data, rule: match.rule.text, integration: "ownership" },
    });
  } catch (err) {
    deps.logger.warn("ownership rules could not be applied to a new issue", { issueId, error: err instanceof Error ? err.message : String(err) });
  }
}

// --- Internal ---

async function _assigneeOf(store: Store, owner: Owner): Promise<{ ref: AssigneeRef; data: Record<string, string> } | undefined> {
  if (owner.kind === "team") {
    const org = await store.getOrganization();
    const team = org && (await store.getTeam(org.id, owner.slug));
    if (!team) return undefined;
    return { ref: { kind: "team", teamId: team.id }, data: { assignee: String(team.id), assigneeEmail: "", assigneeType: "team", assigneeName: team.slug } };
  }
  const user = (await store.findUserByEmail(owner.email))?.user;
  if (user) return { ref: { kind: "user", userId: user.id }, data: { assignee: String(user.id), assigneeEmail: user.email, assigneeType: "user", assigneeName: user.email } };
  return { ref: { kind: "email", email: owner.email }, data: { assignee: owner.email, assigneeEmail: owner.email, assigneeType: "user", assigneeName: owner.email } };
}
