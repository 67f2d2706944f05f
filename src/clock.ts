/** Source of "now", passed to everything time-dependent so tests can move time explicitly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
