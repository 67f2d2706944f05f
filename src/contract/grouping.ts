/** Wire types of grouping: a project's stack-trace rules, an issue's keys, an event's grouping info. */

/** `GET|PUT /projects/{org}/{project}/grouping-rules/`. */
export interface ApiGroupingRules {
  /** the grouping mechanism new keys are made with ("lt-v2") */
  mechanism: string;
  /** the project's rules, Sentry's stack-trace rule syntax, one per line */
  stackRules: string;
  /** the same text under Sentry's project field name */
  groupingEnhancements: string;
  /** LightTrace's built-in rules, which run before the project's */
  builtinStackRules: string;
  /** earlier rule texts whose keys events still try, newest first */
  previousStackRules: { rules: string; replacedAt: string; triedUntil: string }[];
  updatedAt: string | null;
}

/** One grouping key that leads to an issue, and the mechanism that made it. */
export interface ApiIssueGrouping {
  hash: string;
  key: string;
  mechanism: string;
  dateCreated: string;
}

/** One frame of an event's grouping info: did it make the key, and why (not). */
export interface ApiGroupingFrame {
  label: string;
  /** in-app after the stack-trace rules */
  inApp: boolean;
  /** what the SDK sent (null: nothing) */
  sdkInApp: boolean | null;
  contributes: boolean;
  /** "module-or-file | function | source line" this frame contributes, or would */
  key: string | null;
  hints: string[];
}

export interface ApiGroupingException {
  type: string;
  /** the normalised value, when it made the key (no frame contributed) */
  value: string | null;
  frames: ApiGroupingFrame[];
}

/** `GET /projects/{org}/{project}/events/{event_id}/grouping-info/`: why the event has its issue. */
export interface ApiGroupingInfo {
  eventId: string;
  issueId: string;
  mechanism: string;
  hash: string;
  key: string;
  /** "exception (in-app frames)" | "exception (all frames)" | "exception (no frames)" | "message" | "transaction" | "fallback" | "fingerprint" */
  variant: string;
  fingerprint: string[] | null;
  /** the default key (what `{{ default }}` stands for) */
  defaultKey: string;
  exceptions: ApiGroupingException[];
  message: { text: string; normalized: string } | null;
  /** the keys earlier rules gave the event (lt-v1, the project's previous rules) */
  earlierKeys: { hash: string; key: string; mechanism: string }[];
  /** which of the issue's keys the event has (null: it joined before its key changed) */
  matchedKey: { hash: string; mechanism: string; current: boolean } | null;
  issueGroupings: ApiIssueGrouping[];
  projectRules: string;
}
