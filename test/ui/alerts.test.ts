import { describe, expect, it } from "vitest";
import { describeAction, describeFilters, describeTriggers, EMPTY_RULE_FORM, ruleBody } from "../../ui/lib/alerts.ts";
import type { ApiAlertRule } from "../../src/contract/index.ts";
import { parseRoute, alertsPath } from "../../ui/lib/routes.ts";

describe("alerts UI helpers", () => {
  it("turns the form into the API body", () => {
    const body = ruleBody({ ...EMPTY_RULE_FORM, name: " Checkout ", spike: true, spikeMinEvents: "40", emails: "a@x.io, b@x.io,", tags: "team:billing, component:checkout", webhookUrl: "https://hooks.example.com/x", webhookFormat: "slack", levels: ["error"] });
    expect(body).toEqual({
      name: "Checkout",
      triggers: { newIssue: true, regression: true, spike: { minEvents: 40, factor: 5, windowMinutes: 60 }, usersAffected: null },
      filters: { environments: [], levels: ["error"], tags: ["team:billing", "component:checkout"] },
      actions: [{ type: "email", to: ["a@x.io", "b@x.io"], includeAdmins: false }, { type: "webhook", url: "https://hooks.example.com/x", format: "slack" }],
      frequency: 30, dailyDigest: false,
    });
  });

  it("describes rules in words", () => {
    const rule: Pick<ApiAlertRule, "triggers" | "filters" | "dailyDigest"> = {
      triggers: { newIssue: true, regression: false, spike: null, usersAffected: { minUsers: 5, windowMinutes: 30 } },
      filters: { environments: ["production"], levels: [], tags: ["team:billing"] }, dailyDigest: true,
    };
    expect(describeTriggers(rule)).toBe("new issue, ≥5 users in 30 min, daily digest");
    expect(describeFilters(rule)).toBe("production · team:billing");
    expect(describeAction({ type: "email", to: [], includeAdmins: true })).toBe("Email the admins");
    expect(describeAction({ type: "email", to: [], includeAdmins: true, targetType: "IssueOwners", fallthroughType: "ActiveMembers" })).toBe("Email the issue's owners, else the admins");
    expect(describeAction({ type: "email", to: [], includeAdmins: false, targetType: "Team", targetIdentifier: "billing" })).toBe("Email team #billing");
    expect(describeAction({ type: "webhook", url: "https://x.io/h", format: "slack" })).toBe("Slack webhook https://x.io/h");
  });

  it("routes /projects/<slug>/alerts/", () => {
    expect(parseRoute(alertsPath("shop"))).toEqual({ name: "alerts", project: "shop" });
  });
});
