/**
 * Ownership rules per project (Sentry's syntax, parsed by src/ownership/) and the owners an issue
 * got from them on its first event. Both backends implement `OwnershipStore`.
 */

/** Sentry's `autoAssignment` values LightTrace supports. */
export const AUTO_ASSIGNMENT = ["Auto Assign to Issue Owner", "Turn off Auto-Assignment"] as const;
export type AutoAssignment = (typeof AUTO_ASSIGNMENT)[number];

export interface StoredOwnership {
  projectId: number;
  raw: string;
  /** mail everyone (the alert's usual recipients) when no rule matches */
  fallthrough: boolean;
  autoAssignment: AutoAssignment;
  createdAtSec: number;
  updatedAtSec: number;
}

/** An issue-search condition on owners: any of these (lowercased emails or `#team` slugs); `negate` inverts it. */
export interface OwnerCondition { values: string[]; negate: boolean }

export interface OwnershipStore {
  getProjectOwnership(projectId: number): Promise<StoredOwnership | undefined>;
  setProjectOwnership(projectId: number, input: { raw: string; fallthrough: boolean; autoAssignment: AutoAssignment }, nowSec: number): Promise<StoredOwnership>;
  /** Replaces an issue's owners (lowercased emails and `#team` slugs). */
  setIssueOwners(issueId: number, owners: string[]): Promise<void>;
  /** Owners per issue, sorted (issues without any are absent). */
  issueOwners(issueIds: number[]): Promise<Map<number, string[]>>;
}
