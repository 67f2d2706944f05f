import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEnvelope, newEventId } from "../_helpers/envelopes.ts";
import { eventually, runSdkScript } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

/**
 * User feedback from the real @sentry/node `captureFeedback`, a legacy `user_report` item and
 * Sentry's user-feedback API, attached to the issue of the event it is about.
 */
describe("user feedback", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());
  const feedbackPath = "/api/0/projects/lighttrace/my-project/user-feedback/";

  it("attaches @sentry/node captureFeedback to the error's issue; feedback about nothing stays unattached", async () => {
    const run = await runSdkScript("node", "node-feedback.mjs", { DSN: t.dsn });
    expect(run.code, run.stderr).toBe(0);
    const errorId = run.stdout.trim();
    const issueId = await eventually(async () => (await t.api(`/api/0/projects/lighttrace/my-project/events/${errorId}/`)).body?.groupID as string | undefined);
    const reports = await eventually(async () => {
      const list = (await t.api(feedbackPath)).body as { comments: string }[];
      return list.length === 2 ? list : undefined;
    });
    const attached = reports.find((r) => r.comments.startsWith("Checkout broke"));
    expect(attached).toMatchObject({
      name: "Ada", email: "ada@example.com", url: "https://shop.example.com/checkout", source: "feedback", user: null,
      event: { eventID: errorId }, issue: { id: issueId, title: expect.stringContaining("TypeError") }, dateCreated: expect.stringMatching(/Z$/),
    });
    // the user's email and name come from the SDK's user when the feedback does not name them
    expect(reports.find((r) => r.comments === "Love the new search!")).toMatchObject({ issue: null, event: null, email: "ada@example.com" });
    expect((await t.api(`${feedbackPath}?unattached=1`)).body.map((r: { comments: string }) => r.comments)).toEqual(["Love the new search!"]);
    expect((await t.api(`/api/0/issues/${issueId}/user-reports/`)).body.map((r: { comments: string }) => r.comments)).toEqual(["Checkout broke when I entered my VAT number"]);
    expect((await t.api(`/api/0/issues/${issueId}/`)).body.userReportCount).toBe(1);
    const listed = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=")).body.find((i: { id: string }) => i.id === issueId);
    expect(listed.userReportCount).toBe(1);
  });

  it("takes a legacy user_report item and Sentry's POST, refusing bad ones with 400", async () => {
    const issues = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=")).body;
    const issueId = issues[0].id as string;
    const errorId = (await t.api(`/api/0/issues/${issueId}/events/latest/`)).body.eventID as string;
    const envelope = makeEnvelope({ event_id: errorId, sent_at: new Date().toISOString() }, [
      { headers: { type: "user_report" }, payload: JSON.stringify({ event_id: errorId, name: "Bob", email: "bob@example.com", comments: "It happened twice" }) },
    ]);
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(envelope) });
    expect(res.status).toBe(200);
    const bad = makeEnvelope({}, [{ headers: { type: "feedback" }, payload: JSON.stringify({ event_id: newEventId(), contexts: { feedback: {} } }) }]);
    const refused = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(bad) });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("contexts.feedback.message is required");

    const reports = (await t.api(`/api/0/issues/${issueId}/user-reports/`)).body;
    expect(reports.find((r: { source: string }) => r.source === "user_report")).toMatchObject({ name: "Bob", email: "bob@example.com", comments: "It happened twice", eventID: errorId });

    const other = newEventId();
    const posted = await t.api(feedbackPath, { method: "POST", body: JSON.stringify({ event_id: other, name: "Cy", email: "cy@example.com", comments: "Broken on mobile" }) });
    expect(posted).toMatchObject({ status: 200, body: { eventID: other, comments: "Broken on mobile", issue: null } });
    expect((await t.api(feedbackPath, { method: "POST", body: JSON.stringify({ event_id: "nope", comments: "x" }) })).body.detail).toContain("event_id");
    expect(t.errors).toEqual([]);
  });
});
