import type { H3Event } from "h3";
import { z } from "zod";
import type { ApiAssignee } from "../contract/index.ts";
import { badRequest } from "../http/errors.ts";
import type { Actor, AssigneeCondition, AssigneeRef } from "../store/model/activity.ts";
import type { OwnerCondition } from "../store/model/ownership.ts";
import { QuerySyntaxError, type ParsedIssueQuery } from "./query.ts";
import type { Issue, User } from "../store/types.ts";
import type { ApiDeps } from "./context.ts";
import type { ApiPrincipal } from "./principal.ts";
import { serializeAssignee } from "./serialize/activity.ts";

/**
 * Sentry's `assignedTo`: `"user:<id>"`, `"team:<id or slug>"`, `"#<team slug>"`, a user id, an
 * email (a LightTrace user's, or any address: owners need not sign in), or null / "" to unassign.
 */
export const ASSIGNED_TO = z.string().trim().max(320).nullable();

/** What the activity log records a request as done by: the signed-in user or the API token. */
export function actorOf(event: H3Event): Actor {
  const principal = event.context.principal as ApiPrincipal | undefined;
  if (!principal) return null;
  return principal.kind === "login" ? `user:${principal.user.id}` : `token:${principal.token.id}`;
}

/** The signed-in user of a request (undefined for an API token, which belongs to no person). */
export function callerUser(event: H3Event): User | undefined {
  const principal = event.context.principal as ApiPrincipal | undefined;
  return principal?.kind === "login" ? principal.user : undefined;
}

/** The assignee `assignedTo` names, with Sentry's activity data for it; 400 naming an unknown user or team. */
export async function resolveAssignee(deps: ApiDeps, raw: string | null): Promise<{ ref: AssigneeRef; data: Record<string, string> } | null> {
  if (raw === null || raw === "") return null;
  const teamRef = /^team:(.+)$/i.exec(raw)?.[1] ?? (raw.startsWith("#") ? raw.slice(1) : undefined);
  if (teamRef !== undefined) {
    const org = await deps.store.getOrganization();
    const team = org && (await deps.store.listTeams(org.id)).find((t) => t.slug === teamRef || String(t.id) === teamRef);
    if (!team) throw badRequest(`invalid field "assignedTo": no team "${teamRef.slice(0, 60)}"`);
    return { ref: { kind: "team", teamId: team.id }, data: { assignee: String(team.id), assigneeEmail: "", assigneeType: "team", assigneeName: team.slug } };
  }
  const userRef = /^user:(.+)$/i.exec(raw)?.[1] ?? raw;
  const users = await deps.store.listUsers();
  if (userRef.includes("@")) {
    const email = userRef.toLowerCase();
    const user = users.find((u) => u.email.toLowerCase() === email);
    if (user) return _user(user);
    if (!z.email().safeParse(email).success) throw badRequest(`invalid field "assignedTo": "${raw.slice(0, 60)}" is not an email address`);
    return { ref: { kind: "email", email }, data: { assignee: email, assigneeEmail: email, assigneeType: "user", assigneeName: email } };
  }
  const user = /^\d+$/.test(userRef) ? users.find((u) => u.id === Number(userRef)) : undefined;
  if (!user) throw badRequest(`invalid field "assignedTo": no user "${raw.slice(0, 60)}" (use user:<id>, team:<slug>, an email, or null)`);
  return _user(user);
}

/** Sets (or clears) an issue's assignee and logs `assigned` / `unassigned`; a no-op when nothing changes. */
export async function assignIssue(deps: ApiDeps, issue: Issue, raw: string | null, actor: Actor): Promise<void> {
  const resolved = await resolveAssignee(deps, raw);
  const current = (await deps.store.issueAssignees([issue.id])).get(issue.id);
  const now = serializeAssignee(current);
  if (resolved ? now?.type === resolved.data.assigneeType && now?.id === resolved.data.assignee : !now) return;
  const nowSec = deps.clock.now() / 1000;
  await deps.store.setIssueAssignee(issue.id, resolved?.ref ?? null, {
    issueId: issue.id, projectId: issue.projectId, type: resolved ? "assigned" : "unassigned", actor, data: resolved?.data ?? {}, createdAtSec: nowSec,
  });
}

/**
 * The store's condition for a parsed `assigned:` / `is:assigned` term: `me` (the signed-in user,
 * also by email), `#team` or `team:slug`, `user:<id>` or an id, an email. 400 for anything else.
 */
export function assigneeCondition(parsed: NonNullable<ParsedIssueQuery["assignees"]>[number], me: User | undefined): AssigneeCondition {
  const c: AssigneeCondition = { kind: parsed.kind, userIds: [], teamSlugs: [], emails: [], negate: parsed.negate };
  for (const ref of parsed.refs) {
    const team = /^team:(.+)$/i.exec(ref)?.[1] ?? (ref.startsWith("#") ? ref.slice(1) : undefined);
    const userId = /^(?:user:)?(\d+)$/i.exec(ref)?.[1];
    if (ref.toLowerCase() === "me") {
      if (!me) throw new QuerySyntaxError('"assigned:me" needs a signed-in user: an API token belongs to no one (use assigned:<email> or assigned:#team)');
      c.userIds.push(me.id);
      c.emails.push(me.email.toLowerCase());
    } else if (team !== undefined) c.teamSlugs.push(team);
    else if (userId !== undefined) c.userIds.push(Number(userId));
    else if (ref.includes("@")) c.emails.push(ref.toLowerCase());
    else throw new QuerySyntaxError(`"assigned:${ref.slice(0, 60)}": name me, none, #team, team:<slug>, user:<id> or an email`);
  }
  return c;
}

/** The store's condition for a parsed `owner:` term: me (my email), `#team` / `team:slug`, an email. */
export function ownerCondition(parsed: NonNullable<ParsedIssueQuery["owners"]>[number], me: User | undefined): OwnerCondition {
  const values = parsed.refs.map((ref) => {
    const team = /^team:(.+)$/i.exec(ref)?.[1] ?? (ref.startsWith("#") ? ref.slice(1) : undefined);
    if (ref.toLowerCase() === "me") {
      if (!me) throw new QuerySyntaxError('"owner:me" needs a signed-in user: an API token belongs to no one (use owner:<email> or owner:#team)');
      return me.email.toLowerCase();
    }
    if (team !== undefined) return `#${team}`;
    if (ref.includes("@")) return ref.toLowerCase();
    throw new QuerySyntaxError(`"owner:${ref.slice(0, 60)}": name me, #team, team:<slug> or an email`);
  });
  return { values, negate: parsed.negate };
}

/** What every serialized issue carries about people: its assignee, its number of notes and of user feedback. */
export interface IssuePeople { assignedTo: ApiAssignee | null; numComments: number; userReportCount: number }

/** Assignees, note and feedback counts of a page of issues (three reads, whatever the page size). */
export async function loadIssuePeople(deps: ApiDeps, issueIds: number[]): Promise<(issueId: number) => IssuePeople> {
  const [assignees, notes, feedback] = await Promise.all([
    deps.store.issueAssignees(issueIds), deps.store.issueNoteCounts(issueIds), deps.store.issueFeedbackCounts(issueIds),
  ]);
  return (issueId) => ({ assignedTo: serializeAssignee(assignees.get(issueId)), numComments: notes.get(issueId) ?? 0, userReportCount: feedback.get(issueId) ?? 0 });
}

// --- Internal ---

function _user(user: User): { ref: AssigneeRef; data: Record<string, string> } {
  return { ref: { kind: "user", userId: user.id }, data: { assignee: String(user.id), assigneeEmail: user.email, assigneeType: "user", assigneeName: user.email } };
}
