/** Wire types of assignment, the issue activity log and notes (Sentry's shapes). */

/** `assignedTo` of an issue: a user or a team (an owner email that is no LightTrace user is a "user" whose id is the email). */
export interface ApiAssignee {
  type: "user" | "team";
  id: string;
  name: string;
  email?: string;
}

/** The person who did something; null for LightTrace itself and for API tokens. */
export interface ApiActivityUser {
  id: string;
  name: string;
  username: string;
  email: string;
}

/** One entry of an issue's activity (a note is one too, with `data.text`). */
export interface ApiActivity {
  id: string;
  type: string;
  dateCreated: string;
  user: ApiActivityUser | null;
  data: Record<string, unknown>;
  /** LightTrace: a note's last edit, else null */
  dateUpdated: string | null;
  /** LightTrace: whether the caller wrote it (and may edit or delete it) */
  isAuthor: boolean;
}

/** `GET /issues/{id}/activities/` */
export interface ApiActivityList {
  activity: ApiActivity[];
}
