/** User feedback as stored (src/feedback/ parses and attaches it). Both backends implement `FeedbackStore`. */

export interface NewFeedback {
  projectId: number;
  issueId: number | null;
  /** the feedback's own id (a `feedback` event's event_id; a user report's event id) */
  eventId: string;
  /** the error event it is about, if any */
  associatedEventId: string | null;
  name: string | null;
  email: string | null;
  comments: string;
  url: string | null;
  source: "feedback" | "user_report";
  /** seconds since epoch */
  createdAtSec: number;
}

export interface StoredFeedback extends NewFeedback { id: number }

export interface FeedbackStore {
  /** Stores feedback; one already stored for its (project, event id) is kept as is. Returns how many were new. */
  addFeedback(rows: NewFeedback[]): Promise<number>;
  /** A project's feedback, newest first; `unattachedOnly`: only feedback about no known issue. */
  listProjectFeedback(projectId: number, opts: { limit: number; offset: number; unattachedOnly?: boolean }): Promise<StoredFeedback[]>;
  /** An issue's feedback, newest first. */
  listIssueFeedback(issueId: number, limit: number): Promise<StoredFeedback[]>;
  /** Feedback per issue (issues without any are absent). */
  issueFeedbackCounts(issueIds: number[]): Promise<Map<number, number>>;
}
