import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** The issue page in Chromium: the assignee picker, the note box with the lesson template, the timeline, "open for". */
describe("issue assignment and notes in a real browser", () => {
  let t: TestServer;
  let browser: Browser;
  let issueId: string;

  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/ui/index.html")), "dist/ui is missing: run `npm run build` first").toBe(true);
    t = await startTestServer();
    const ev = errorEvent();
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
    issueId = await eventually(async () => (await t.api(`/api/0/projects/lighttrace/my-project/events/${ev.event_id}/`)).body?.groupID as string | undefined);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("assigns, writes the lesson as a note, edits it, and shows the history", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${t.url}/issues/${issueId}/`);
    await page.locator('[data-testid="assignee"]', { hasText: "Unassigned" }).waitFor();
    await page.locator('[data-testid="open-for"]').waitFor();
    await page.locator('[data-testid="activity"]', { hasText: "First seen" }).waitFor();

    await page.getByRole("button", { name: "Assign to me" }).click();
    await page.locator('[data-testid="activity"]', { hasText: "Assigned to" }).waitFor();
    const assigned = (await t.api(`/api/0/issues/${issueId}/`)).body.assignedTo;
    expect(assigned).toMatchObject({ type: "user", email: expect.stringContaining("@") });
    await page.locator('[data-testid="assignee"]', { hasText: assigned.email }).waitFor();

    // another owner by email (no LightTrace login needed)
    await page.getByLabel("Assign to (email, #team or user:id)").fill("payments-oncall@example.com");
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await page.locator('[data-testid="assignee"]', { hasText: "payments-oncall@example.com" }).waitFor();

    await page.getByRole("button", { name: "Write the lesson" }).click();
    const box = page.getByLabel("Note", { exact: true });
    expect(await box.inputValue()).toContain("Why the tests missed it: ");
    await box.fill("What broke: VAT lookup\nWhy the tests missed it: no EU guest fixture\nThe test that now guards it: checkout.eu.test.ts");
    await page.getByRole("button", { name: "Add note" }).click();
    const note = page.locator('[data-testid="activity"]', { hasText: "no EU guest fixture" });
    await note.waitFor();
    await note.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Edit note").fill("What broke: VAT lookup for EU guests");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator('[data-testid="activity"]', { hasText: "VAT lookup for EU guests" }).locator(".activity-edited").waitFor();

    await page.getByRole("button", { name: "Resolve", exact: true }).click();
    await page.locator('[data-testid="activity"]', { hasText: "Resolved" }).waitFor();
    const types = (await t.api(`/api/0/issues/${issueId}/activities/`)).body.activity.map((a: { type: string }) => a.type);
    expect(types).toEqual(["set_resolved", "note", "assigned", "assigned", "first_seen"]);
    expect(await page.locator('[data-testid="open-for"]').count()).toBe(0);
    await page.close();
  });

  it("edits ownership rules (a bad line is named), shows MTTR and user feedback on the project and issue pages", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    const errorId = (await t.api(`/api/0/issues/${issueId}/events/latest/`)).body.eventID as string;
    const posted = await t.api("/api/0/projects/lighttrace/my-project/user-feedback/", { method: "POST", body: JSON.stringify({ event_id: errorId, name: "Ada", comments: "The pay button did nothing" }) });
    expect(posted.status).toBe(200);
    await page.goto(`${t.url}/projects/my-project/`);
    await page.locator('[data-testid="feedback"]', { hasText: "The pay button did nothing" }).getByRole("link").waitFor();
    const mttr = page.locator('[data-testid="project-mttr"]');
    await mttr.getByText("Mean time to resolve").waitFor();
    // the issue resolved in the first test counts
    await mttr.getByText(/1 resolution\b/).waitFor();
    const rules = page.getByLabel("Ownership rules", { exact: true });
    await rules.fill("path:src/* #billing");
    await page.getByRole("button", { name: "Save ownership" }).click();
    await page.getByRole("alert").filter({ hasText: "line 1: no team #billing" }).waitFor();
    await rules.fill("tags.team:billing owner@example.com");
    await page.getByRole("button", { name: "Save ownership" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect((await t.api("/api/0/projects/lighttrace/my-project/ownership/")).body.raw).toBe("tags.team:billing owner@example.com");
    await page.goto(`${t.url}/issues/${issueId}/`);
    await page.locator('[data-testid="feedback"]', { hasText: "User feedback (1)" }).getByText("The pay button did nothing").waitFor();
    await page.close();
    expect(t.errors).toEqual([]);
  });
});
