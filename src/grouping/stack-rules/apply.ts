import type { ExceptionValue, Frame } from "../../events/types.ts";
import { globLiteral, normalizePathValue, pathGlobMatcher, plainGlobMatcher } from "./glob.ts";
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
  const whole = _stackFacts(facts);
  for (const pass of ["modify", "update"] as const) {
    for (const { origin, rules } of ruleSets) {
      for (const rule of rules) {
        const compiled = _compiledRule(rule);
        const actions = pass === "modify" ? compiled.modifiers : compiled.updaters;
        if (actions.length === 0 || !_canMatchSomeFrame(compiled, whole)) continue;
        let ref: RuleRef | undefined;
        for (let idx = 0; idx < frames.length; idx++) {
          if (!_ruleMatches(compiled.tests, idx, facts, verdicts, ctx.exception)) continue;
          ref ??= { origin, line: rule.line, text: rule.text };
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

interface FrameFacts {
  /** abs_path or filename, lower case with forward slashes */
  path?: string;
  module?: string;
  function: string;
  /** lower case with forward slashes */
  package?: string;
  family: string;
}

function _frameFacts(frame: Frame, eventPlatform: string): FrameFacts {
  const facts: FrameFacts = { function: frame.function ?? frame.raw_function ?? "<unknown>", family: platformFamily(frame.platform ?? eventPlatform) };
  const path = frame.abs_path ?? frame.filename;
  if (path) facts.path = normalizePathValue(path);
  if (frame.module) facts.module = frame.module;
  if (frame.package) facts.package = normalizePathValue(frame.package);
  return facts;
}

type MatcherTest = (facts: FrameFacts, verdict: FrameVerdict, exception: ExceptionValue | undefined) => boolean;

/** Every frame's values of a stack at once, to rule out a rule for the whole stack with a few `includes`. */
interface StackFacts { path: string; package: string; module: string; function: string; families: Set<string> }

function _stackFacts(facts: FrameFacts[]): StackFacts {
  // a path glob may match only after a leading "/" is added: every path is joined with one
  const join = (pick: (f: FrameFacts) => string | undefined, slash = false) =>
    facts.map((f) => { const v = pick(f); return v === undefined ? "" : slash ? "/" + v : v; }).join("\n");
  return {
    path: join((f) => f.path, true), package: join((f) => f.package, true), module: join((f) => f.module), function: join((f) => f.function),
    families: new Set(facts.map((f) => f.family)),
  };
}

function _canMatchSomeFrame(rule: CompiledRule, stack: StackFacts): boolean {
  for (const r of rule.required) if (!stack[r.field].includes(r.literal)) return false;
  return rule.families === undefined || rule.families.some((f) => f === "all" || stack.families.has(f));
}

interface CompiledRule {
  tests: { position: FrameMatcher["position"]; negated: boolean; test: MatcherTest }[];
  /** text a frame's field must contain for the rule to match it (from its frame matchers) */
  required: { field: "path" | "package" | "module" | "function"; literal: string }[];
  /** a frame of one of these families must be in the stack */
  families?: string[];
  modifiers: StackRuleAction[];
  updaters: StackRuleAction[];
}

/** Parsed rules are plain data; their compiled form is kept beside them (rule sets are cached by text). */
const COMPILED = new WeakMap<StackRule, CompiledRule>();

function _compiledRule(rule: StackRule): CompiledRule {
  let compiled = COMPILED.get(rule);
  if (!compiled) {
    const own = rule.matchers.filter((m) => m.position === "frame" && !m.negated);
    const family = own.find((m) => m.field === "family");
    compiled = {
      tests: rule.matchers.map((m) => ({ position: m.position, negated: m.negated, test: _matcherTest(m) })),
      required: own.flatMap((m) => {
        if (m.field !== "path" && m.field !== "package" && m.field !== "module" && m.field !== "function") return [];
        const literal = globLiteral(m.pattern, m.field === "path" || m.field === "package");
        return literal ? [{ field: m.field, literal }] : [];
      }),
      ...(family ? { families: family.pattern.split(",") } : {}),
      modifiers: rule.actions.filter(_isModifier),
      updaters: rule.actions.filter((a) => !_isModifier(a)),
    };
    COMPILED.set(rule, compiled);
  }
  return compiled;
}

function _isModifier(action: StackRuleAction): boolean {
  return (action.kind === "flag" && action.flag === "app") || (action.kind === "var" && action.name === "category");
}

function _ruleMatches(tests: CompiledRule["tests"], idx: number, facts: FrameFacts[], verdicts: FrameVerdict[], exception: ExceptionValue | undefined): boolean {
  for (const m of tests) {
    const at = m.position === "caller" ? idx - 1 : m.position === "callee" ? idx + 1 : idx;
    if (at < 0 || at >= facts.length) return false;
    if (m.test(facts[at]!, verdicts[at]!, exception) === m.negated) return false;
  }
  return true;
}

function _matcherTest(m: FrameMatcher): MatcherTest {
  const plain = () => plainGlobMatcher(m.pattern);
  switch (m.field) {
    case "path": {
      const match = pathGlobMatcher(m.pattern);
      return (facts) => facts.path !== undefined && match(facts.path);
    }
    case "package": {
      const match = pathGlobMatcher(m.pattern);
      return (facts) => facts.package !== undefined && match(facts.package);
    }
    case "module": {
      const match = plain();
      return (facts) => facts.module !== undefined && match(facts.module);
    }
    case "function": {
      const match = plain();
      return (facts) => match(facts.function);
    }
    case "category": {
      const match = plain();
      return (_facts, verdict) => verdict.category !== undefined && match(verdict.category);
    }
    case "family": {
      const families = m.pattern.split(",");
      const all = families.includes("all");
      return (facts) => all || families.includes(facts.family);
    }
    case "app": {
      const wanted = ruleBoolean(m.pattern);
      return (_facts, verdict) => wanted === (verdict.inApp === true);
    }
    case "type": {
      const match = plain();
      return (_f, _v, exception) => match(exception?.type ?? "<unknown>");
    }
    case "value": {
      const match = plain();
      return (_f, _v, exception) => match(exception?.value ?? "<unknown>");
    }
    case "mechanism": {
      const match = plain();
      return (_f, _v, exception) => match(exception?.mechanism?.type ?? "<unknown>");
    }
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
