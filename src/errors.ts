/**
 * The input a request carried is wrong, and the message says what is wrong in words a client can
 * act on. Pure modules throw their own narrow subclasses (InvalidEventError, QuerySyntaxError…);
 * the edges answer all of them 400 through one table (src/http/errors.ts).
 */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
}
