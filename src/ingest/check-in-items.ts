import { badRequest } from "../http/errors.ts";
import { InvalidCheckInError, parseCheckIn, type ParsedCheckIn } from "../monitors/check-in.ts";

/**
 * A `check_in` item as Relay accepts it (src/monitors/check-in.ts). A check-in that breaks the
 * protocol is a 400 naming the field, as for sessions, so nothing of the envelope is half-stored.
 */
export function parseCheckInItem(raw: unknown, slugFromPath?: string): ParsedCheckIn {
  try {
    return parseCheckIn(raw, slugFromPath);
  } catch (err) {
    if (err instanceof InvalidCheckInError) throw badRequest(`check-in: ${err.message}`);
    throw err;
  }
}
