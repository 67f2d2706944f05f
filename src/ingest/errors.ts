/**
 * An ingest failure with the HTTP status Relay would answer and a `detail` naming the problem.
 * Thrown by the pure parsing modules; the route turns it into `{"detail": …}`.
 */
export class IngestError extends Error {
  override name = "IngestError";
  readonly status: 400 | 401 | 403 | 405 | 413 | 415 | 429 | 503;
  readonly detail: string;
  readonly headers: Record<string, string>;

  constructor(status: IngestError["status"], detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

export const badRequest = (detail: string) => new IngestError(400, detail);
export const tooLarge = (detail: string) => new IngestError(413, detail);
