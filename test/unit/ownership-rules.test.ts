import { describe, expect, it } from "vitest";
import { matchOwnership, ownershipFacts } from "../../src/ownership/match.ts";
import { OwnershipSyntaxError, ownershipGlob, parseOwnershipRules } from "../../src/ownership/rules.ts";
import type { NormalizedEvent } from "../../src/events/types.ts";

const event = (over: Partial<NormalizedEvent>): NormalizedEvent =>
  ({ event_id: "e".repeat(32), timestamp: 1, received: 1, type: "error", platform: "node", level: "error", environment: "production", tags: [], ...over });

describe("ownership rules (Sentry's syntax)", () => {
  it("parses types, quoted patterns, owners and comments", () => {
    const rules = parseOwnershipRules([
      "# comment",
      "",
      "src/app/* dev@example.com",
      'path:"src/my dir/*" #web Lead@Example.com',
      "module:shop.billing.* #billing",
      "url:*/checkout/* #web",
      "tags.team:payments pay@example.com",
    ].join("\n"));
    expect(rules.map((r) => [r.line, r.type, r.tagKey, r.pattern, r.owners])).toEqual([
      [3, "path", undefined, "src/app/*", [{ kind: "user", email: "dev@example.com" }]],
      [4, "path", undefined, "src/my dir/*", [{ kind: "team", slug: "web" }, { kind: "user", email: "lead@example.com" }]],
      [5, "module", undefined, "shop.billing.*", [{ kind: "team", slug: "billing" }]],
      [6, "url", undefined, "*/checkout/*", [{ kind: "team", slug: "web" }]],
      [7, "tags", "team", "payments", [{ kind: "user", email: "pay@example.com" }]],
    ]);
  });

  it("names the line of the first bad rule", () => {
    const err = (raw: string) => {
      try {
        parseOwnershipRules(raw);
      } catch (e) {
        expect(e).toBeInstanceOf(OwnershipSyntaxError);
        return (e as Error).message;
      }
      return "parsed";
    };
    expect(err("path:a/* a@example.com\npath:b/*")).toBe('line 2: "path:b/*" names no owner (an email or #team)');
    expect(err("path:a/* someone")).toBe('line 1: "someone" is not an owner (an email address or #team)');
    expect(err("\n\nrelease:1.0 a@example.com")).toBe('line 3: unknown rule type "release" (path, module, url, tags.<key>)');
    expect(err("codeowners:src/* a@example.com")).toContain("codeowners rules are not supported");
  });

  it("matches case-insensitive globs; a path glob also matches a path's tail", () => {
    expect(ownershipGlob("src/billing/*", { path: true })("/srv/app/SRC/Billing/tax/vat.js")).toBe(true);
    expect(ownershipGlob("src/billing/*", { path: true })("/srv/app/src/billingx/vat.js")).toBe(false);
    expect(ownershipGlob("*.py", { path: true })("C:\\app\\jobs\\run.py")).toBe(true);
    expect(ownershipGlob("file-[0-9].js", { path: true })("lib/file-7.js")).toBe(true);
    expect(ownershipGlob("shop.?illing", { path: false })("shop.Billing")).toBe(true);
    expect(ownershipGlob("payments", { path: false })("payments-eu")).toBe(false);
  });

  it("picks the last matching rule, whose first owner is the assignee", () => {
    const rules = parseOwnershipRules("path:*.js #web\ntags.team:billing #billing a@example.com\nmodule:nomatch.* x@example.com");
    const ev = event({
      tags: [["team", "billing"]],
      exception: { values: [{ type: "E", value: "v", stacktrace: { frames: [{ filename: "app/pay.js", module: "pay" }] } }] },
    });
    expect(matchOwnership(rules, ownershipFacts(ev))?.rule.line).toBe(2);
    expect(matchOwnership(rules, ownershipFacts(event({ tags: [["team", "web"]] })))).toBeUndefined();
    const byUrl = parseOwnershipRules("url:https://shop.example.com/admin/* admin@example.com");
    expect(matchOwnership(byUrl, ownershipFacts(event({ request: { url: "https://shop.example.com/admin/users" } })))?.owners).toEqual([{ kind: "user", email: "admin@example.com" }]);
  });
});
