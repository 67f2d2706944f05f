import { hash } from "node:crypto";
import type { NormalizedEvent } from "../events/types.ts";
import { computeDefaultGrouping, type DefaultGrouping } from "./default-grouping.ts";
import { resolveFingerprint } from "./fingerprint-variables.ts";
import { computeLegacyV1Key, LEGACY_V1_MECHANISM } from "./legacy-lt-v1.ts";
import type { OriginRules } from "./stack-rules/apply.ts";
import { BUILTIN_STACK_RULES } from "./stack-rules/builtin.ts";
import { parseStackRules, StackRuleSyntaxError, type StackRule } from "./stack-rules/parse.ts";

/**
 * Id of the current grouping rules, stored with every grouping row. lt-v2 = lt-v1 plus stack-trace
 * rules (built-in and per project), generated-name normalisation and Sentry-wide parameterisation.
 */
export const GROUPING_MECHANISM = "lt-v2";

export interface Grouping {
  /** 32 hex, md5 of `key` */
  hash: string;
  /** readable input of the hash: what made these events one issue */
  key: string;
  mechanism: string;
  /**
   * A key the event had under earlier rules (lt-v1, the project's previous stack-trace rules): it
   * finds an existing issue, but a new issue does not claim it.
   */
  lookupOnly?: true;
}

/** A project's grouping configuration as plain data (it crosses worker-thread boundaries). */
export interface GroupingConfig {
  /** the project's stack-trace rules in Sentry's syntax, applied after the built-in ones */
  stackRules: string;
  /** the rule texts the project used before (newest first, still within their transition period) */
  previousStackRules: string[];
}

export const DEFAULT_GROUPING_CONFIG: GroupingConfig = Object.freeze({ stackRules: "", previousStackRules: [] }) as GroupingConfig;

/** An event's grouping and how it was made (the issue page's "grouping info"). */
export interface GroupingDetails {
  grouping: Grouping;
  default: DefaultGrouping;
  /** the SDK's fingerprint, when it replaced (or extended, with {{ default }}) the default key */
  fingerprint?: string[];
}

/** The event's grouping under the current rules. Pure: a function of the event and the config. */
export function computeGrouping(event: NormalizedEvent, config: GroupingConfig): Grouping {
  return computeGroupingDetails(event, config).grouping;
}

/**
 * {@link computeGrouping} with the rules' verdicts per stack, and (with `explain`, for the grouping
 * info) why each frame did or did not make the key.
 */
export function computeGroupingDetails(event: NormalizedEvent, config: GroupingConfig, options: { explain?: boolean } = {}): GroupingDetails {
  const def = computeDefaultGrouping(event, ruleSetsFor(config.stackRules), options);
  const details: GroupingDetails = { grouping: groupingWithDefault(event, def.key), default: def };
  if (event.fingerprint) details.fingerprint = event.fingerprint;
  return details;
}

/** The current grouping given the event's default key: the SDK fingerprint wins when there is one. */
export function groupingWithDefault(event: NormalizedEvent, defaultKey: string): Grouping {
  const key = event.fingerprint ? resolveFingerprint(event.fingerprint, event, defaultKey) : defaultKey;
  return { hash: hashGroupingKey(key), key, mechanism: GROUPING_MECHANISM };
}

/**
 * The keys the event had under earlier rules, in the order the writer tries them when the current
 * key finds no issue: the project's previous stack-trace rules (newest first), then lt-v1. Keys
 * equal to the current one are left out. So a rule change or a LightTrace upgrade never splits an
 * existing issue: its next event finds it through its old key, and the issue claims the new key.
 */
export function computeFallbackGroupings(event: NormalizedEvent, config: GroupingConfig, current?: Grouping): Grouping[] {
  const seen = new Set(current ? [current.hash] : []);
  const out: Grouping[] = [];
  const add = (key: string, mechanism: string) => {
    const hash = hashGroupingKey(key);
    if (seen.has(hash)) return;
    seen.add(hash);
    out.push({ hash, key, mechanism, lookupOnly: true });
  };
  for (const rules of config.previousStackRules) {
    const def = computeDefaultGrouping(event, ruleSetsFor(rules));
    add(event.fingerprint ? resolveFingerprint(event.fingerprint, event, def.key) : def.key, GROUPING_MECHANISM);
  }
  add(computeLegacyV1Key(event), LEGACY_V1_MECHANISM);
  return out;
}

export function hashGroupingKey(key: string): string {
  // the one-shot form: no Hash object per key (two or more keys per event)
  return hash("md5", key, "hex");
}

/**
 * The built-in rules followed by a project's rules, parsed once per distinct text. Stored rule
 * texts were validated when saved; should one no longer parse (a stricter later version), its
 * bad lines are skipped rather than failing ingest.
 */
export function ruleSetsFor(projectRules: string): OriginRules[] {
  if (!projectRules.trim()) return BUILTIN_ONLY;
  // one array per text: evaluated stacks are cached per rule-set identity (default-grouping.ts)
  let sets = PARSED.get(projectRules);
  if (!sets) {
    sets = [BUILTIN_ONLY[0]!, { origin: "project", rules: _parseTolerant(projectRules) }];
    if (PARSED.size >= 1_000) PARSED.clear();
    PARSED.set(projectRules, sets);
  }
  return sets;
}

// --- Internal ---

const BUILTIN_ONLY: OriginRules[] = [{ origin: "built-in", rules: BUILTIN_STACK_RULES }];
const PARSED = new Map<string, OriginRules[]>();

function _parseTolerant(text: string): StackRule[] {
  try {
    return parseStackRules(text);
  } catch (err) {
    if (!(err instanceof StackRuleSyntaxError)) throw err;
    const lines = text.split(/\r\n|\r|\n/);
    return lines.flatMap((line, i) => {
      try {
        return parseStackRules(line).map((r) => ({ ...r, line: i + 1 }));
      } catch {
        return []; // a line the parser no longer accepts: skipped (it was valid when saved)
      }
    });
  }
}
