/** Wire types of user feedback (Sentry's `UserReport` serializer). */

export interface ApiUserReport {
  id: string;
  /** the feedback's own id (a legacy user report's is the event it is about) */
  eventID: string;
  name: string;
  email: string;
  comments: string;
  dateCreated: string;
  user: null;
  /** the error event it is about, if any */
  event: { id: string; eventID: string } | null;
  /** the issue it is attached to, if any */
  issue: { id: string; shortId: string; title: string } | null;
  /** LightTrace: the page it was sent from, and whether it came as a `feedback` item or a legacy `user_report` */
  url: string | null;
  source: "feedback" | "user_report";
}
