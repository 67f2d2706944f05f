/** A cached Explain result (the JSON the API answered) for one issue and event. */
export interface StoredExplanation {
  issueId: number;
  eventId: string;
  provider: string;
  /** the result as JSON text */
  result: string;
  /** seconds since epoch */
  createdAtSec: number;
}
