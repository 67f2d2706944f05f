import { randomUUID } from "node:crypto";
import { badRequest } from "../http/errors.ts";
import { InvalidFeedbackError, parseFeedbackItem, parseUserReportItem, type ParsedFeedback } from "../feedback/parse.ts";

/** A `feedback` or `user_report` item; one that breaks the protocol is a 400 naming the field. */
export function parseFeedback(type: "feedback" | "user_report", raw: unknown, envelopeEventId: string | undefined, receivedAtSec: number): ParsedFeedback {
  try {
    return type === "feedback"
      ? parseFeedbackItem(raw, receivedAtSec, () => randomUUID().replace(/-/g, ""))
      : parseUserReportItem(raw, envelopeEventId, receivedAtSec);
  } catch (err) {
    if (err instanceof InvalidFeedbackError) throw badRequest(`${type}: ${err.message}`);
    throw err;
  }
}
