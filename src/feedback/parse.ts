import { normalizeEventId } from "../events/values.ts";
import { InvalidInputError } from "../errors.ts";
import type { NewFeedback } from "../store/model/feedback.ts";

/** characters; Sentry caps a feedback message and a user report's comments at this length */
export const MAX_FEEDBACK_CHARS = 4096;

/** User feedback as LightTrace keeps it, from a `feedback` item or a legacy `user_report` item,
 * before it is tied to a project and an issue (the stored shape, src/store/model/feedback.ts). */
export type ParsedFeedback = Omit<NewFeedback, "projectId" | "issueId">;

/** Feedback that breaks the protocol (answered 400 naming the field). */
export class InvalidFeedbackError extends InvalidInputError {
  override name = "InvalidFeedbackError";
}

/**
 * A `feedback` item (develop-docs/sdk/telemetry/feedbacks.mdx): an event whose
 * `contexts.feedback` holds `message` (required), `contact_email`, `name` (else the event's
 * user), `url`, `associated_event_id`.
 */
export function parseFeedbackItem(raw: unknown, receivedAtSec: number, newId: () => string): ParsedFeedback {
  const ev = _object(raw, "feedback item");
  const fb = _object(_object(ev.contexts ?? {}, "contexts").feedback, "contexts.feedback");
  const user = (ev.user && typeof ev.user === "object" ? ev.user : {}) as Record<string, unknown>;
  const comments = _text(fb.message, "contexts.feedback.message");
  if (!comments) throw new InvalidFeedbackError("contexts.feedback.message is required");
  return {
    eventId: _id(ev.event_id, "event_id") ?? newId(),
    associatedEventId: _id(fb.associated_event_id, "contexts.feedback.associated_event_id"),
    name: _text(fb.name, "contexts.feedback.name") ?? _text(user.name ?? user.username, "user.name"),
    email: _text(fb.contact_email, "contexts.feedback.contact_email") ?? _text(user.email, "user.email"),
    comments,
    url: _text(fb.url, "contexts.feedback.url"),
    source: "feedback",
    createdAtSec: typeof ev.timestamp === "number" && Number.isFinite(ev.timestamp) ? Math.min(ev.timestamp, receivedAtSec) : receivedAtSec,
  };
}

/**
 * A legacy `user_report` item (develop-docs/sdk/telemetry/user-reports.mdx): `event_id`
 * (required: the error it is about), `email`, `name`, `comments`. The envelope header's
 * event_id wins over the item's when they differ.
 */
export function parseUserReportItem(raw: unknown, envelopeEventId: string | undefined, receivedAtSec: number): ParsedFeedback {
  const r = _object(raw, "user_report item");
  const eventId = envelopeEventId ?? _id(r.event_id, "event_id");
  if (!eventId) throw new InvalidFeedbackError("user_report: event_id is required");
  const comments = _text(r.comments, "comments");
  if (!comments) throw new InvalidFeedbackError("user_report: comments is required");
  return { eventId, associatedEventId: eventId, name: _text(r.name, "name"), email: _text(r.email, "email"), comments, url: null, source: "user_report", createdAtSec: receivedAtSec };
}

// --- Internal ---

function _object(v: unknown, what: string): Record<string, unknown> {
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new InvalidFeedbackError(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function _text(v: unknown, what: string): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string") throw new InvalidFeedbackError(`${what} must be a string`);
  return v.length > MAX_FEEDBACK_CHARS ? v.slice(0, MAX_FEEDBACK_CHARS) : v;
}

function _id(v: unknown, what: string): string | null {
  if (v === undefined || v === null || v === "") return null;
  const id = normalizeEventId(v);
  if (!id) throw new InvalidFeedbackError(`${what} is not an event id (32 hex digits or a UUID)`);
  return id;
}
