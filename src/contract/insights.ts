/** Wire types of resolution insights: MTTR per project and Sentry's team time-to-resolution. */

/** Durations in seconds. */
export interface ApiDurationStats { mean: number; p50: number; p90: number; count: number }

/** `GET /projects/{org}/{project}/mttr/?statsPeriod=30d` */
export interface ApiProjectMttr {
  statsPeriod: string;
  /** from the start of each open period (first seen, last regression or reopen) to its resolution, for resolutions in the period */
  timeToResolve: ApiDurationStats;
  /** from the start of each open period to its first alert mail accepted, for periods that started in the period */
  timeToDetect: ApiDurationStats;
  /** per UTC week (Monday) of the period: mean time to resolve and how many resolutions */
  weekly: { week: string; timeToResolve: number; count: number }[];
  /** LightTrace: the same figures for the period before, to compare with */
  previousPeriod: { timeToResolve: ApiDurationStats; timeToDetect: ApiDurationStats };
}

/** `GET /teams/{org}/{team}/time-to-resolution/`: per UTC day, the mean resolution time (seconds) and count. */
export type ApiTeamTimeToResolution = Record<string, { avg: number; count: number }>;
