/** Where an issue stands; `substatus` says why an unresolved one is unresolved (new, regressed, ongoing). */
export type IssueStatus = "unresolved" | "resolved" | "ignored";
export const ISSUE_STATUSES: readonly IssueStatus[] = ["unresolved", "resolved", "ignored"];
