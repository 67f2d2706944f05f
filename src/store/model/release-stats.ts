/**
 * What the release list and detail show beside the release itself: events per release (hourly, so
 * "adoption in the last 24 h" is a cheap read), issues new in a release, issues a release
 * regressed. `release_hourly_events` is filled by ingest's write plan; the rest is read from issues.
 */
export interface ReleaseEventCount { projectId: number; release: string; environment: string; events: number }
export interface ReleaseIssueCount { projectId: number; release: string; newIssues: number; regressedIssues: number }
/** Just enough of an organization release to order and filter a list before loading a page. */
export interface ReleaseHead { id: number; version: string; dateCreated: number; status: string }
