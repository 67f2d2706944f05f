import type { NormalizedEvent } from "../events/types.ts";
import type { Owner, OwnershipRule } from "./rules.ts";

/** What ownership rules look at in an event. */
export interface OwnershipFacts {
  /** every frame's filename and abs_path (exceptions, threads and the top-level stack trace) */
  paths: string[];
  modules: string[];
  url: string | undefined;
  tags: Map<string, string>;
}

/** The values of an event that rules are matched against. */
export function ownershipFacts(event: NormalizedEvent): OwnershipFacts {
  const paths = new Set<string>();
  const modules = new Set<string>();
  const stacks: unknown[] = [event.stacktrace, ...(event.exception?.values ?? []).map((v) => v.stacktrace), ...(event.threads?.values ?? []).map((t) => t.stacktrace)];
  for (const stack of stacks) {
    for (const frame of ((stack as { frames?: Record<string, unknown>[] } | undefined)?.frames ?? [])) {
      for (const key of ["filename", "abs_path"]) if (typeof frame[key] === "string" && frame[key]) paths.add(frame[key] as string);
      if (typeof frame.module === "string" && frame.module) modules.add(frame.module);
    }
  }
  return { paths: [...paths], modules: [...modules], url: typeof event.request?.url === "string" ? event.request.url : undefined, tags: new Map(event.tags) };
}

/**
 * The rule that owns an event: as in Sentry, the **last** matching rule wins; its first owner is
 * the one to auto-assign. Undefined when no rule matches.
 */
export function matchOwnership(rules: readonly OwnershipRule[], facts: OwnershipFacts): { rule: OwnershipRule; owners: Owner[] } | undefined {
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i]!;
    if (_matches(rule, facts)) return { rule, owners: rule.owners };
  }
  return undefined;
}

/** An owner as stored and searched (`owner:`): a lowercased email or `#slug`. */
export function ownerKey(owner: Owner): string {
  return owner.kind === "team" ? `#${owner.slug}` : owner.email;
}

// --- Internal ---

function _matches(rule: OwnershipRule, facts: OwnershipFacts): boolean {
  switch (rule.type) {
    case "path": return facts.paths.some(rule.matches);
    case "module": return facts.modules.some(rule.matches);
    case "url": return facts.url !== undefined && rule.matches(facts.url);
    case "tags": {
      const value = facts.tags.get(rule.tagKey!);
      return value !== undefined && rule.matches(value);
    }
  }
}
