/** A project's own stack-trace rules and the rule texts it used before. */
export interface GroupingSettings {
  projectId: number;
  /** Sentry's stack-trace rule syntax; "" = only the built-in rules */
  stackRules: string;
  /** earlier rule texts, newest first, with when each was replaced (seconds since epoch) */
  previousStackRules: { rules: string; replacedAt: number }[];
  /** seconds since epoch */
  updatedAtSec: number;
}

/** One grouping key that leads to an issue, with the mechanism that made it. */
export interface IssueGrouping {
  hash: string;
  key: string;
  mechanism: string;
  /** seconds since epoch */
  createdAtSec: number;
}

export interface GroupingStore {
  getGroupingSettings(projectId: number): Promise<GroupingSettings | undefined>;
  /** Replaces the project's settings (the caller decides which earlier texts to keep). */
  setGroupingSettings(projectId: number, settings: Pick<GroupingSettings, "stackRules" | "previousStackRules">, now: number): Promise<GroupingSettings>;
  /** Every grouping key of an issue, oldest first (the first made the issue). */
  listIssueGroupings(issueId: number): Promise<IssueGrouping[]>;
}
