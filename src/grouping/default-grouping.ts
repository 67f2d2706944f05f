import type { ExceptionValue, Frame, NormalizedEvent } from "../events/types.ts";
import { frameComponent, frameLabel } from "./frames.ts";
import { firstLines, parameterizeText } from "./parameterize.ts";
import { applyStackRules, sdkInApp, type OriginRules, type RuleRef, type StackVerdict } from "./stack-rules/apply.ts";

/** Which part of the event made its default grouping key (Sentry's grouping variants). */
export type GroupingVariant =
  | "exception (in-app frames)" | "exception (all frames)" | "exception (no frames)" | "message" | "transaction" | "fallback";

/** One frame in the grouping info: whether it made the key, and why (not). */
export interface FrameGroupingInfo {
  label: string;
  /** in-app after the stack-trace rules */
  inApp: boolean;
  /** the in_app flag the SDK sent */
  sdkInApp: boolean | null;
  contributes: boolean;
  /** what it contributed (or would have): "module | function | context line" */
  key: string | null;
  hints: string[];
}

export interface ExceptionGroupingInfo {
  type: string;
  /** the normalised value, when it made the key (an exception without contributing frames) */
  value: string | null;
  frames: FrameGroupingInfo[];
}

/** The default grouping of an event with everything needed to explain it. */
export interface DefaultGrouping {
  variant: GroupingVariant;
  key: string;
  /** per exception, every frame and why it did (not) make the key; empty unless asked to explain */
  exceptions: ExceptionGroupingInfo[];
  /** for message events: the text and what parameterisation made of it */
  message?: { text: string; normalized: string };
  /** the rules' verdicts per stack, so the caller can mark frames in-app without running the rules again */
  stacks: { frames: Frame[]; verdict: StackVerdict }[];
}

/**
 * Groups an event as Sentry's default grouping does (docs/sentry-protocol.md §7): the in-app frames of its
 * exceptions (after the stack-trace rules), else all frames the rules leave in, else exception
 * types and normalised values, else the normalised message, else the transaction. Pure.
 */
export function computeDefaultGrouping(event: NormalizedEvent, ruleSets: readonly OriginRules[], options: { explain?: boolean } = {}): DefaultGrouping {
  const explain = options.explain === true;
  const exceptions = event.exception?.values ?? [];
  const stacks = exceptions.map((exc) => _evaluate(exc.stacktrace?.frames ?? [], ruleSets, event.platform, exc));
  if (event.stacktrace?.frames.length) stacks.push(_evaluate(event.stacktrace.frames, ruleSets, event.platform, undefined));
  const result = (variant: GroupingVariant, key: string, infos: ExceptionGroupingInfo[] = []): DefaultGrouping =>
    ({ variant, key, exceptions: infos, stacks: stacks.map((s) => ({ frames: s.frames, verdict: s.verdict })) });

  if (exceptions.length) {
    for (const inAppOnly of [true, false]) {
      const picked = stacks.slice(0, exceptions.length).map((stack) => _pickFrames(stack, inAppOnly));
      if (!picked.some((p) => p.keys.length)) continue;
      const infos = explain ? exceptions.map((exc, i) => _exceptionInfo(exc, stacks[i]!, picked[i]!, inAppOnly)) : [];
      const parts = exceptions.map((exc, i) => {
        const keys = picked[i]!.keys;
        return keys.length ? [_typeOrPlaceholder(exc), ...keys.map((k) => "  " + k)].join("\n") : _typeAndValue(exc);
      });
      const variant = inAppOnly ? "exception (in-app frames)" : "exception (all frames)";
      return result(variant, `${variant}\n${parts.join("\n")}`, infos);
    }
    const infos = explain ? exceptions.map((exc, i) => _exceptionInfo(exc, stacks[i]!, { keys: [], used: new Set(), reasons: new Map() }, true)) : [];
    return result("exception (no frames)", "exception (no frames)\n" + exceptions.map(_typeAndValue).join("\n"), infos);
  }
  const message = event.logentry?.message ?? event.logentry?.formatted;
  if (message) {
    const normalized = parameterizeText(firstLines(message));
    return { ...result("message", "message\n" + normalized), message: { text: message, normalized } };
  }
  if (event.transaction) return result("transaction", "transaction\n" + event.transaction);
  return result("fallback", "fallback\n<no grouping information>");
}

// --- Internal ---

interface EvaluatedStack {
  frames: Frame[];
  verdict: StackVerdict;
  components: ReturnType<typeof frameComponent>[];
}

interface PickedFrames {
  keys: string[];
  /** indexes of the frames that made the key */
  used: Set<number>;
  /** why a frame that could contribute did not */
  reasons: Map<number, string>;
}

/**
 * The rules' verdicts and the frames' contributions for one stack. Most events repeat a stack an
 * earlier event had (the same bug again), so results are memoised per rule set by everything they
 * read from the frames (and the exception, which `error.*` matchers read); callers never change them.
 */
function _evaluate(frames: Frame[], ruleSets: readonly OriginRules[], platform: string, exception: ExceptionValue | undefined): EvaluatedStack {
  let set = RULE_SETS.get(ruleSets);
  if (!set) {
    const readsException = ruleSets.some((rs) => rs.rules.some((r) => r.matchers.some((m) => m.field === "type" || m.field === "value" || m.field === "mechanism")));
    RULE_SETS.set(ruleSets, set = { id: ++ruleSetCount, readsException });
  }
  const key = `${set.id}\u0000${stackCacheKey(frames, platform, set.readsException ? exception : undefined)}`;
  let hit = EVALUATED.get(key);
  if (!hit) {
    hit = { verdict: applyStackRules(frames, ruleSets, { platform, exception }), components: frames.map((f) => frameComponent(f, platform)) };
    if (key.length <= MAX_CACHED_KEY_CHARS) {
      if (EVALUATED.size >= MAX_CACHED_STACKS) EVALUATED.delete(EVALUATED.keys().next().value!);
      EVALUATED.set(key, hit);
    }
  }
  return { frames, ...hit };
}

/** Rule sets (one array per distinct rule text, grouping/mechanisms.ts) → a small id for cache keys. */
const RULE_SETS = new WeakMap<readonly OriginRules[], { id: number; readsException: boolean }>();
let ruleSetCount = 0;
/** Evaluated stacks, oldest first; bounded in count and key size (≈ 8 MB at most). */
const EVALUATED = new Map<string, Omit<EvaluatedStack, "frames">>();
const MAX_CACHED_STACKS = 1_000;
const MAX_CACHED_KEY_CHARS = 8_000;

/**
 * Everything a stack's evaluation reads, as one string (the exception only when the rules read it):
 * a cache key for results computed from a stack's frames (also lt-v1's, grouping/legacy-lt-v1.ts).
 */
export function stackCacheKey(frames: Frame[], platform: string, exception: ExceptionValue | undefined): string {
  let key = `${platform}\u0001${exception?.type ?? ""}\u0001${exception?.value ?? ""}\u0001${exception?.mechanism?.type ?? ""}`;
  for (const f of frames) {
    key += `\u0002${f.platform ?? ""}\u0003${f.abs_path ?? ""}\u0003${f.filename ?? ""}\u0003${f.module ?? ""}\u0003${f.function ?? ""}\u0003${f.raw_function ?? ""}`
      + `\u0003${f.package ?? ""}\u0003${f.context_line ?? ""}\u0003${sdkInApp(f) ?? ""}\u0003${(f.data as { category?: unknown } | undefined)?.category ?? ""}`;
  }
  return key;
}

/** The frames of one stack that make the key: in-app (or all), not removed by rules, recursion collapsed, max-frames/min-frames applied. */
function _pickFrames(stack: EvaluatedStack, inAppOnly: boolean): PickedFrames {
  const picked: PickedFrames = { keys: [], used: new Set(), reasons: new Map() };
  const candidates: number[] = [];
  stack.frames.forEach((_, i) => {
    const v = stack.verdict.frames[i]!;
    const key = stack.components[i]!.key;
    if (key === undefined || !v.contributes) return;
    if (inAppOnly && v.inApp !== true) return;
    if (candidates.length && stack.components[candidates[candidates.length - 1]!]!.key === key) {
      picked.reasons.set(i, "repeats the frame before it (recursion): counted once");
      return;
    }
    candidates.push(i);
  });
  let kept = candidates;
  const max = stack.verdict.maxFrames;
  if (max && candidates.length > max.value) {
    kept = candidates.slice(candidates.length - max.value);
    for (const i of candidates.slice(0, candidates.length - max.value)) picked.reasons.set(i, `beyond max-frames=${max.value} (${_ruleName(max.rule)})`);
  }
  const min = stack.verdict.minFrames;
  if (min && kept.length < min.value) {
    for (const i of kept) picked.reasons.set(i, `fewer than min-frames=${min.value} frames (${_ruleName(min.rule)}): the stack does not count`);
    kept = [];
  }
  for (const i of kept) {
    picked.used.add(i);
    picked.keys.push(stack.components[i]!.key!);
  }
  return picked;
}

function _exceptionInfo(exc: ExceptionValue, stack: EvaluatedStack, picked: PickedFrames, inAppOnly: boolean): ExceptionGroupingInfo {
  const frames = stack.frames.map((frame, i): FrameGroupingInfo => {
    const v = stack.verdict.frames[i]!;
    const component = stack.components[i]!;
    const sdk = sdkInApp(frame);
    const hints = [...component.hints];
    const remarked = v.inApp !== sdk && v.appRule !== undefined;
    if (remarked) hints.push(`marked ${v.inApp ? "in-app" : "not in-app"} by ${_ruleName(v.appRule!)}`);
    if (!v.contributes && v.groupRule) hints.push(`left out of grouping by ${_ruleName(v.groupRule)}`);
    else if (inAppOnly && v.inApp !== true && component.key !== undefined && !remarked) hints.push("not in-app: left out");
    const reason = picked.reasons.get(i);
    if (reason) hints.push(reason);
    return {
      label: frameLabel(frame), inApp: v.inApp === true, sdkInApp: sdk ?? null, contributes: picked.used.has(i),
      key: component.key ?? null, hints,
    };
  });
  const value = picked.keys.length ? null : _normalizedValue(exc);
  return { type: exc.type ?? "", value, frames };
}

function _ruleName(rule: RuleRef): string {
  return `${rule.origin} rule "${rule.text}"${rule.origin === "project" ? ` (line ${rule.line})` : ""}`;
}

function _typeOrPlaceholder(exc: ExceptionValue): string {
  return (exc.mechanism?.synthetic ? "" : exc.type ?? "") || "<no type>";
}

function _normalizedValue(exc: ExceptionValue): string | null {
  return exc.value ? parameterizeText(firstLines(exc.value)) : null;
}

function _typeAndValue(exc: ExceptionValue): string {
  const type = exc.mechanism?.synthetic ? "" : exc.type ?? "";
  return [type, _normalizedValue(exc) ?? ""].filter(Boolean).join(": ") || "<no type or value>";
}
