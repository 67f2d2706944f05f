/**
 * What kind of failure an exception is. Findings and the Explain corpus key on it, so the words
 * are stable: add new ones, never rename.
 */
export type ErrorCategory =
  | "null-access" | "not-a-function" | "not-iterable" | "reference" | "json" | "recursion" | "chunk-load"
  | "network" | "timeout" | "database" | "permission" | "out-of-range" | "type" | "value" | "missing-key"
  | "division-by-zero" | "http-error";

/** An exception class and message in plain words, pointing at the expression involved when the crashing line shows it. */
export interface ErrorClassExplanation {
  category: ErrorCategory;
  /** one line: what this error means */
  title: string;
  /** what probably happened, naming the expression when found */
  cause: string;
  /** what to do about it */
  fix: string;
  /** the expression on the crashing line that held the bad value, when the line shows it */
  expression?: string;
}

/** One rule: exception types it applies to (any when absent), a message pattern, and the words. */
export interface ErrorRule {
  types?: string[];
  category: ErrorCategory;
  match: RegExp;
  explain: (m: RegExpExecArray, line: string | undefined, type: string) => Omit<ErrorClassExplanation, "category">;
}
