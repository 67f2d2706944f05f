/** Per-project source-link settings: where a project's code lives, and how stack paths map to it. */
export interface SourceLinkSettings {
  projectId: number;
  /** "owner/repo", the name `sentry-cli releases set-commits --commit owner/repo@sha` uses */
  repository: string;
  /** e.g. https://github.com/acme/shop */
  repositoryUrl: string;
  /** with {commit}, {path} and {line}; empty = derived from repositoryUrl */
  urlTemplate: string;
  /** prefix of stack-trace paths to strip, e.g. "webpack://shop/" or "/app/" */
  stackRoot: string;
  /** prefix to put in its place, e.g. "packages/web/" */
  sourceRoot: string;
  /** seconds since epoch */
  updatedAtSec: number;
}

export interface SourceLinkStore {
  getSourceLinkSettings(projectId: number): Promise<SourceLinkSettings | undefined>;
  /** Replaces the project's settings; null removes them. */
  setSourceLinkSettings(projectId: number, settings: Omit<SourceLinkSettings, "projectId" | "updatedAtSec"> | null, now: number): Promise<SourceLinkSettings | undefined>;
  listSourceLinkSettings(): Promise<SourceLinkSettings[]>;
}
