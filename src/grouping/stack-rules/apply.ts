import type { ExceptionValue, Frame } from "../../events/types.ts";
import { matchPathGlob, matchPlainGlob } from "./glob.ts";
import { ruleBoolean, type FrameMatcher, type StackRule, type StackRuleAction } from "./parse.ts";

/** Where a rule came from: LightTrace's built-in set or the project's own rules (which run after, so they win). */
export type RuleOrigin = "built-in" | "project";

export interface RuleRef { origin: RuleOrigin; line: number; text: string }

/** What the rules decided for one frame. */
export interface FrameVerdict {
  /** after the rules; undefined when neither the SDK nor a rule said */
  inApp: boolean | undefined;
  /** false when a `-group` rule removed the frame from grouping */
  contributes: boolean;
  category?: string;
  /** the last rule that set in_app, when it changed what the SDK sent */
  appRule?: RuleRef;
  /** the last rule that set the group flag */
  groupRule?: RuleRef;
}

export interface StackVerdict {
  frames: FrameVerdict[];
  /** `max-frames=N`: only the N frames nearest the crash contribute */
  maxFrames?: RuleValue;
  /** `min-frames=N`: a stack with fewer contributing frames does not contribute */
  minFrames?: RuleValue;
}

export interface RuleValue { value: number; rule: RuleRef }

export interface OriginRules { origin: RuleOrigin; rules: readonly StackRule[] }

/**
 * Runs stack-trace rules over one stack (frames oldest first, crash last), as Sentry does: first
 * every rule's in-app and category actions (so `app:` matchers see earlier rules' results), then the
 * group and frame-count actions. Rules run in order and a later rule overrides an earlier one.
 * Pure: the frames are not changed.
 */
export function applyStackRules(frames: readonly Frame[], ruleSets: readonly OriginRules[], ctx: { platform: string; exception?: ExceptionValue | undefined }): StackVerdict {
  const facts = frames.map((f) => _frameFacts(f, ctx.platform));
  const verdicts: FrameVerdict[] = frames.map((f) => {
    const v: FrameVerdict = { inApp: sdkInApp(f), contributes: true };
    const category = (f.data as { category?: unknown } | undefined)?.category;
    if (typeof category === "string") v.category = category;
    return v;
  });
  const stack: StackVerdict = { frames: verdicts };
  for (const pass of ["modify", "update"] as const) {
    for (const { origin, rules } of ruleSets) {
      for (const rule of rules) {
        const actions = rule.actions.filter((a) => _isModifier(a) === (pass === "modify"));
        if (actions.length === 0) continue;
        const ref: RuleRef = { origin, line: rule.line, text: rule.text };
        for (let idx = 0; idx < frames.length; idx++) {
          if (!_ruleMatches(rule.matchers, idx, facts, verdicts, ctx.exception)) continue;
          for (const action of actions) _apply(action, idx, verdicts, stack, ref);
        }
      }
    }
  }
  return stack;
}

/**
 * The in_app flag the SDK sent. LightTrace records it in `data.orig_in_app` (1, 0, or -1 for "not
 * set", as Sentry does) when rules change a stored frame, so grouping never depends on whether
 * the rules already ran over an event.
 */
export function sdkInApp(frame: Frame): boolean | undefined {
  const orig = (frame.data as { orig_in_app?: unknown } | undefined)?.orig_in_app;
  if (orig === -1) return undefined;
  if (orig === 0 || orig === 1 || typeof orig === "boolean") return Boolean(orig);
  return frame.in_app;
}

/** Sentry's behaviour family of a platform, which `family:` matches. */
export function platformFamily(platform: string): "javascript" | "native" | "other" {
  if (platform === "javascript" || platform === "node") return "javascript";
  if (NATIVE_PLATFORMS.has(platform)) return "native";
  return "other";
}

// --- Internal ---

const NATIVE_PLATFORMS = new Set(["native", "c", "cocoa", "objc", "swift"]);

interface FrameFacts { path?: string; module?: string; function: string; package?: string; family: string }

function _frameFacts(frame: Frame, eventPlatform: string): FrameFacts {
  const facts: FrameFacts = { function: frame.function ?? frame.raw_function ?? "<unknown>", family: platformFamily(frame.platform ?? eventPlatform) };
  const path = frame.abs_path ?? frame.filename;
  if (path) facts.path = path;
  if (frame.module) facts.module = frame.module;
  if (frame.package) facts.package = frame.package;
  return facts;
}

function _isModifier(action: StackRuleAction): boolean {
  return (action.kind === "flag" && action.flag === "app") || (action.kind === "var" && action.name === "category");
}

function _ruleMatches(matchers: readonly FrameMatcher[], idx: number, facts: FrameFacts[], verdicts: FrameVerdict[], exception: ExceptionValue | undefined): boolean {
  for (const m of matchers) {
    const at = m.position === "caller" ? idx - 1 : m.position === "callee" ? idx + 1 : idx;
    if (at < 0 || at >= facts.length) return false;
    if (_matcherMatches(m, facts[at]!, verdicts[at]!, exception) === m.negated) return false;
  }
  return true;
}

function _matcherMatches(m: FrameMatcher, facts: FrameFacts, verdict: FrameVerdict, exception: ExceptionValue | undefined): boolean {
  switch (m.field) {
    case "path": return facts.path !== undefined && matchPathGlob(m.pattern, facts.path);
    case "package": return facts.package !== undefined && matchPathGlob(m.pattern, facts.package);
    case "module": return facts.module !== undefined && matchPlainGlob(m.pattern, facts.module);
    case "function": return matchPlainGlob(m.pattern, facts.function);
    case "category": return verdict.category !== undefined && matchPlainGlob(m.pattern, verdict.category);
    case "family": {
      const families = m.pattern.split(",");
      return families.includes("all") || families.includes(facts.family);
    }
    case "app": return ruleBoolean(m.pattern) === (verdict.inApp === true);
    case "type": return matchPlainGlob(m.pattern, exception?.type ?? "<unknown>");
    case "value": return matchPlainGlob(m.pattern, exception?.value ?? "<unknown>");
    case "mechanism": return matchPlainGlob(m.pattern, exception?.mechanism?.type ?? "<unknown>");
  }
}

function _apply(action: StackRuleAction, idx: number, verdicts: FrameVerdict[], stack: StackVerdict, ref: RuleRef): void {
  if (action.kind === "var") {
    if (action.name === "category") verdicts[idx]!.category = action.value;
    else if (action.name === "max-frames") stack.maxFrames = { value: action.value, rule: ref };
    else stack.minFrames = { value: action.value, rule: ref };
    return;
  }
  const range = action.range === "frame" ? [idx] : action.range === "up" ? _indices(idx + 1, verdicts.length) : _indices(0, idx);
  for (const i of range) {
    const v = verdicts[i]!;
    if (action.flag === "app") {
      if (v.inApp !== action.value) v.appRule = ref;
      v.inApp = action.value;
    } else {
      v.contributes = action.value;
      v.groupRule = ref;
    }
  }
}

function _indices(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}
