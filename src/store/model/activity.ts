/**
 * Teams, issue assignment and the issue activity log (issue 18). Both backends implement these
 * interfaces; test/store/activity.test.ts checks them on each.
 */

/** Sentry's activity types LightTrace records (`src/sentry/types/activity.py`), plus alert mails sent. */
export const ACTIVITY_TYPES = [
  "first_seen", "set_resolved", "set_resolved_in_release", "set_unresolved", "set_ignored", "set_regression",
  "assigned", "unassigned", "note", "alert_sent",
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Who did something: `user:<id>` (a signed-in user), `token:<id>` (an API token), or null for LightTrace itself. */
export type Actor = string | null;

export interface NewActivity {
  issueId: number;
  projectId: number;
  type: ActivityType;
  actor: Actor;
  data: Record<string, unknown>;
  createdAtSec: number;
}

export interface StoredActivity extends NewActivity {
  id: number;
  /** a note's last edit */
  updatedAtSec: number | null;
}

/** Who an issue is assigned to (as stored; a user or team carries its email or slug for display). */
export type StoredAssignee =
  | { kind: "user"; userId: number; email: string; assignedAtSec: number }
  | { kind: "team"; teamId: number; slug: string; assignedAtSec: number }
  | { kind: "email"; email: string; assignedAtSec: number };

/** An assignment to write: a user or team by id, or a bare (lowercased) email. */
export type AssigneeRef = { kind: "user"; userId: number } | { kind: "team"; teamId: number } | { kind: "email"; email: string };

/**
 * An issue-search condition on the assignee: `none` (unassigned), `any` (assigned), or `to` one of
 * the users, team slugs or (lowercased) emails listed; an email also names the user with that
 * address. `negate` inverts it.
 */
export interface AssigneeCondition {
  kind: "none" | "any" | "to";
  userIds: number[];
  teamSlugs: string[];
  emails: string[];
  negate: boolean;
}

export interface Team {
  id: number;
  organizationId: number;
  slug: string;
  name: string;
  createdAtSec: number;
  /** lowercased emails, sorted */
  memberEmails: string[];
}

export interface ActivityStore {
  /** Appends one entry to an issue's activity log. */
  addIssueActivity(activity: NewActivity): Promise<StoredActivity>;
  /** An issue's activity, newest first (ties: the later entry first). */
  listIssueActivity(issueId: number, limit: number): Promise<StoredActivity[]>;
  getIssueActivity(issueId: number, activityId: number): Promise<StoredActivity | undefined>;
  /** Replaces a note's text (its `data.text`) and sets its edit time; undefined when no such note. */
  updateIssueNote(issueId: number, activityId: number, text: string, nowSec: number): Promise<StoredActivity | undefined>;
  /** Deletes one activity entry; false when it did not exist. */
  deleteIssueActivity(issueId: number, activityId: number): Promise<boolean>;
  /** Notes per issue (issues without any are absent). */
  issueNoteCounts(issueIds: number[]): Promise<Map<number, number>>;
  /** The assignee of each issue that has one. */
  issueAssignees(issueIds: number[]): Promise<Map<number, StoredAssignee>>;
  /** Sets (or with null clears) an issue's assignee and appends `activity`, in one transaction. */
  setIssueAssignee(issueId: number, assignee: AssigneeRef | null, activity: NewActivity): Promise<void>;
  /**
   * Sets the assignee and appends `activity` only if the issue was never assigned nor unassigned
   * (no `assigned`/`unassigned` activity): automatic assignment never overrides a person's choice.
   * True when it assigned.
   */
  assignIssueIfNeverAssigned(issueId: number, assignee: AssigneeRef, activity: NewActivity): Promise<boolean>;
  /**
   * The activity of the given types of every issue of the projects that has an entry of one of
   * `periodEndTypes` at or after `sinceSec`, oldest first (what resolution times are computed from).
   */
  activityForPeriods(projectIds: number[], types: readonly ActivityType[], periodEndTypes: readonly ActivityType[], sinceSec: number): Promise<StoredActivity[]>;
}

export interface TeamStore {
  /** The organization's teams with their members, by slug. */
  listTeams(organizationId: number): Promise<Team[]>;
  getTeam(organizationId: number, slug: string): Promise<Team | undefined>;
  /** Creates a team; undefined when the slug is taken. */
  createTeam(input: { organizationId: number; slug: string; name: string; nowSec: number }): Promise<Team | undefined>;
  /** Deletes a team (its members and its assignments with it); false when it did not exist. */
  deleteTeam(teamId: number): Promise<boolean>;
  /** Adds a member (a lowercased email; adding one twice is a no-op). */
  addTeamMember(teamId: number, email: string, nowSec: number): Promise<void>;
  /** Removes a member; false when the email was not one. */
  removeTeamMember(teamId: number, email: string): Promise<boolean>;
}
