/** A worker stopped (crashed, ran out of heap, or was stopped for hanging) while it held the job: nothing was stored. */
export class WorkerCrashedError extends Error {
  override name = "WorkerCrashedError";
}

/** A job failed in a worker on something nobody anticipated (a bug); it carries the worker's stack. */
export class WorkerJobError extends Error {
  override name = "WorkerJobError";
}
