/** How many events one issue stores, and how many of them retention must keep (first, regressions). */
export interface IssueStoredCount { issueId: number; storedEvents: number; pinnedEvents: number }
