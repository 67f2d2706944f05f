import { describe, expect, it } from "vitest";
import type { AssigneeCondition, NewActivity } from "../../src/store/model/activity.ts";
import type { IssueFilter, Store } from "../../src/store/types.ts";
import { committerFor, commitOne, job, newProject, NOW_MS, rawEvent } from "./_ingest.ts";
import { freshDatabasePerTest, STORE_BACKENDS, type TestDatabase } from "./backends.ts";

const NOW_SEC = NOW_MS / 1000;

/** Conformance: teams, assignees, the activity log and assignee search (every backend). */
describe.each(STORE_BACKENDS)("teams, assignment and activity ($name)", (backend) => {
  let database!: TestDatabase;
  let store!: Store;
  freshDatabasePerTest(backend, async (created) => { database = created; store = await created.open(); });

  const newIssue = async (projectId: number, site: string) => (await commitOne(committerFor(store), await job(store, projectId, [rawEvent(site)]))).issueId;
  const activity = (issueId: number, projectId: number, extra: Partial<NewActivity> = {}): NewActivity =>
    ({ issueId, projectId, type: "note", actor: "user:1", data: { text: "hi" }, createdAtSec: NOW_SEC + 10, ...extra });
  const listWith = async (projectId: number, assignees: AssigneeCondition[]) => {
    const filter: IssueFilter = { projectIds: [projectId], tags: [], text: [], sort: "new", offset: 0, limit: 50, nowMs: NOW_MS, assignees };
    return (await store.listIssues(filter)).map((i) => i.id).sort((a, b) => a - b);
  };
  const cond = (kind: AssigneeCondition["kind"], extra: Partial<AssigneeCondition> = {}): AssigneeCondition =>
    ({ kind, userIds: [], teamSlugs: [], emails: [], negate: false, ...extra });

  it("records first seen on a new issue and each regression, and keeps notes, edits and deletions", async () => {
    const projectId = await newProject(store);
    const issueId = await newIssue(projectId, "checkout");
    let log = await store.listIssueActivity(issueId, 100);
    expect(log.map((a) => [a.type, a.createdAtSec, a.actor])).toEqual([["first_seen", NOW_SEC, null]]);
    // resolved, then an event: the regression is logged by the store's write, whatever path made it
    await store.setIssueStatus(issueId, "resolved", NOW_SEC + 1);
    await commitOne(committerFor(store), await job(store, projectId, [rawEvent("checkout")], { receivedAtMs: NOW_MS + 5000 }));
    log = await store.listIssueActivity(issueId, 100);
    expect(log.map((a) => a.type)).toEqual(["set_regression", "first_seen"]);
    expect(log[0]!.createdAtSec).toBe(NOW_SEC + 5);

    const note = await store.addIssueActivity(activity(issueId, projectId, { data: { text: "what broke" } }));
    expect(note).toMatchObject({ issueId, projectId, type: "note", actor: "user:1", data: { text: "what broke" }, createdAtSec: NOW_SEC + 10, updatedAtSec: null });
    expect(await store.getIssueActivity(issueId, note.id)).toEqual(note);
    expect(await store.getIssueActivity(issueId + 999, note.id)).toBeUndefined();
    const edited = await store.updateIssueNote(issueId, note.id, "why the tests missed it", NOW_SEC + 20);
    expect(edited).toMatchObject({ id: note.id, data: { text: "why the tests missed it" }, updatedAtSec: NOW_SEC + 20 });
    // only notes are edited
    expect(await store.updateIssueNote(issueId, log[0]!.id, "x", NOW_SEC)).toBeUndefined();
    expect(await store.issueNoteCounts([issueId, issueId + 999])).toEqual(new Map([[issueId, 1]]));
    expect(await store.deleteIssueActivity(issueId, note.id)).toBe(true);
    expect(await store.deleteIssueActivity(issueId, note.id)).toBe(false);
    expect(await store.issueNoteCounts([issueId])).toEqual(new Map());
  });

  it("assigns to users, teams and emails, and searches by assignee", async () => {
    const projectId = await newProject(store);
    const org = (await store.getOrganization())!;
    const [a, b, c, d] = [await newIssue(projectId, "a"), await newIssue(projectId, "b"), await newIssue(projectId, "c"), await newIssue(projectId, "d")];
    const user = await store.createUser({ email: "Dev@Example.com", passwordHash: "x" });
    const team = (await store.createTeam({ organizationId: org.id, slug: "billing", name: "Billing", nowSec: NOW_SEC }))!;
    expect(await store.createTeam({ organizationId: org.id, slug: "billing", name: "Again", nowSec: NOW_SEC })).toBeUndefined();
    await store.setIssueAssignee(a, { kind: "user", userId: user.id }, activity(a, projectId, { type: "assigned", data: { assignee: String(user.id) } }));
    await store.setIssueAssignee(b, { kind: "team", teamId: team.id }, activity(b, projectId, { type: "assigned" }));
    await store.setIssueAssignee(c, { kind: "email", email: "owner@example.com" }, activity(c, projectId, { type: "assigned" }));
    const assignees = await store.issueAssignees([a, b, c, d]);
    expect(assignees.get(a)).toEqual({ kind: "user", userId: user.id, email: "Dev@Example.com", assignedAtSec: NOW_SEC + 10 });
    expect(assignees.get(b)).toEqual({ kind: "team", teamId: team.id, slug: "billing", assignedAtSec: NOW_SEC + 10 });
    expect(assignees.get(c)).toEqual({ kind: "email", email: "owner@example.com", assignedAtSec: NOW_SEC + 10 });
    expect(assignees.has(d)).toBe(false);
    expect((await store.listIssueActivity(a, 10))[0]).toMatchObject({ type: "assigned", data: { assignee: String(user.id) } });

    expect(await listWith(projectId, [cond("any")])).toEqual([a, b, c]);
    expect(await listWith(projectId, [cond("none")])).toEqual([d]);
    expect(await listWith(projectId, [cond("to", { userIds: [user.id] })])).toEqual([a]);
    expect(await listWith(projectId, [cond("to", { teamSlugs: ["billing"] })])).toEqual([b]);
    expect(await listWith(projectId, [cond("to", { emails: ["owner@example.com"], userIds: [user.id] })])).toEqual([a, c]);
    expect(await listWith(projectId, [cond("to", { teamSlugs: ["billing"], negate: true })])).toEqual([a, c, d]);
    expect(await listWith(projectId, [cond("to")])).toEqual([]);
    // an email names the user who has it, too
    expect(await listWith(projectId, [cond("to", { emails: ["dev@example.com"] })])).toEqual([a]);

    // reassigning replaces; clearing removes; deleting the team drops its assignments
    await store.setIssueAssignee(a, null, activity(a, projectId, { type: "unassigned", data: {} }));
    expect((await store.issueAssignees([a])).has(a)).toBe(false);
    expect(await store.deleteTeam(team.id)).toBe(true);
    expect(await store.deleteTeam(team.id)).toBe(false);
    expect(await listWith(projectId, [cond("any")])).toEqual([c]);
  });

  it("assigns automatically only an issue nobody ever assigned or unassigned", async () => {
    const projectId = await newProject(store);
    const [a, b] = [await newIssue(projectId, "a"), await newIssue(projectId, "b")];
    const auto = (issueId: number) => store.assignIssueIfNeverAssigned(issueId, { kind: "email", email: "owner@example.com" },
      activity(issueId, projectId, { type: "assigned", actor: null, data: { rule: "path:*" } }));
    expect(await auto(a)).toBe(true);
    expect(await auto(a)).toBe(false);
    // somebody unassigned b on purpose: the rule does not undo that
    await store.setIssueAssignee(b, null, activity(b, projectId, { type: "unassigned", data: {} }));
    expect(await auto(b)).toBe(false);
    expect([...(await store.issueAssignees([a, b])).keys()]).toEqual([a]);
  });

  it("keeps teams with member emails", async () => {
    const org = await store.ensureOrganization("conformance", "Conformance");
    const ops = (await store.createTeam({ organizationId: org.id, slug: "ops", name: "Ops", nowSec: NOW_SEC }))!;
    await store.createTeam({ organizationId: org.id, slug: "billing", name: "Billing", nowSec: NOW_SEC });
    await store.addTeamMember(ops.id, "b@example.com", NOW_SEC);
    await store.addTeamMember(ops.id, "a@example.com", NOW_SEC);
    await store.addTeamMember(ops.id, "a@example.com", NOW_SEC);
    expect(await store.getTeam(org.id, "ops")).toEqual({ ...ops, memberEmails: ["a@example.com", "b@example.com"] });
    expect((await store.listTeams(org.id)).map((t) => [t.slug, t.memberEmails])).toEqual([["billing", []], ["ops", ["a@example.com", "b@example.com"]]]);
    expect(await store.removeTeamMember(ops.id, "a@example.com")).toBe(true);
    expect(await store.removeTeamMember(ops.id, "a@example.com")).toBe(false);
    expect(await store.getTeam(org.id, "nope")).toBeUndefined();
  });

  it("reads the activity of issues whose periods ended since a time, oldest first", async () => {
    const projectId = await newProject(store);
    const [a, b] = [await newIssue(projectId, "a"), await newIssue(projectId, "b")];
    await store.addIssueActivity(activity(a, projectId, { type: "set_resolved", createdAtSec: NOW_SEC + 100 }));
    await store.addIssueActivity(activity(b, projectId, { type: "set_resolved", createdAtSec: NOW_SEC - 100 }));
    const rows = await store.activityForPeriods([projectId], ["first_seen", "set_resolved"], ["set_resolved"], NOW_SEC);
    expect(rows.map((r) => [r.issueId, r.type])).toEqual([[a, "first_seen"], [a, "set_resolved"]]);
  });
});

/** Conformance: ownership rules per project and issue owners (every backend). */
describe.each(STORE_BACKENDS)("ownership ($name)", (backend) => {
  let database!: TestDatabase;
  let store!: Store;
  freshDatabasePerTest(backend, async (created) => { database = created; store = await created.open(); });

  it("keeps a project's rules and switches, and each issue's owners, searchable", async () => {
    const projectId = await newProject(store);
    expect(await store.getProjectOwnership(projectId)).toBeUndefined();
    const first = await store.setProjectOwnership(projectId, { raw: "path:src/* #web", fallthrough: true, autoAssignment: "Auto Assign to Issue Owner" }, NOW_SEC);
    expect(first).toEqual({ projectId, raw: "path:src/* #web", fallthrough: true, autoAssignment: "Auto Assign to Issue Owner", createdAtSec: NOW_SEC, updatedAtSec: NOW_SEC });
    const second = await store.setProjectOwnership(projectId, { raw: "", fallthrough: false, autoAssignment: "Turn off Auto-Assignment" }, NOW_SEC + 5);
    expect(second).toEqual({ projectId, raw: "", fallthrough: false, autoAssignment: "Turn off Auto-Assignment", createdAtSec: NOW_SEC, updatedAtSec: NOW_SEC + 5 });
    expect(await store.getProjectOwnership(projectId)).toEqual(second);

    const [a, b] = [
      (await commitOne(committerFor(store), await job(store, projectId, [rawEvent("a")]))).issueId,
      (await commitOne(committerFor(store), await job(store, projectId, [rawEvent("b")]))).issueId,
    ];
    await store.setIssueOwners(a, ["#web", "dev@example.com"]);
    await store.setIssueOwners(b, ["ops@example.com"]);
    await store.setIssueOwners(b, ["#billing"]);
    expect(await store.issueOwners([a, b])).toEqual(new Map([[a, ["#web", "dev@example.com"]], [b, ["#billing"]]]));
    const owned = async (values: string[], negate = false) => (await store.listIssues({
      projectIds: [projectId], tags: [], text: [], sort: "new", offset: 0, limit: 10, nowMs: NOW_MS, owners: [{ values, negate }],
    })).map((i) => i.id).sort((x, y) => x - y);
    expect(await owned(["dev@example.com"])).toEqual([a]);
    expect(await owned(["#billing", "#web"])).toEqual([a, b]);
    expect(await owned(["#web"], true)).toEqual([b]);
    expect(await owned([])).toEqual([]);
  });
});

/** Conformance: user feedback (every backend). */
describe.each(STORE_BACKENDS)("user feedback ($name)", (backend) => {
  let database!: TestDatabase;
  let store!: Store;
  freshDatabasePerTest(backend, async (created) => { database = created; store = await created.open(); });

  it("keeps feedback once per id, attached or not, newest first, counted per issue", async () => {
    const projectId = await newProject(store);
    const issueId = (await commitOne(committerFor(store), await job(store, projectId, [rawEvent("a")]))).issueId;
    const row = (n: number, attached: boolean) => ({
      projectId, issueId: attached ? issueId : null, eventId: String(n).padStart(32, "f"), associatedEventId: attached ? "a".repeat(32) : null,
      name: n === 1 ? "Ada" : null, email: n === 1 ? "ada@example.com" : null, comments: `feedback ${n}`, url: null, source: "feedback" as const, createdAtSec: NOW_SEC + n,
    });
    expect(await store.addFeedback([row(1, true), row(2, false), row(3, true)])).toBe(3);
    expect(await store.addFeedback([row(1, true)])).toBe(0);
    expect((await store.listIssueFeedback(issueId, 10)).map((f) => f.comments)).toEqual(["feedback 3", "feedback 1"]);
    expect((await store.listProjectFeedback(projectId, { limit: 10, offset: 0 })).map((f) => f.comments)).toEqual(["feedback 3", "feedback 2", "feedback 1"]);
    expect((await store.listProjectFeedback(projectId, { limit: 10, offset: 0, unattachedOnly: true })).map((f) => f.comments)).toEqual(["feedback 2"]);
    expect((await store.listProjectFeedback(projectId, { limit: 1, offset: 2 }))[0]).toEqual({ id: expect.any(Number), ...row(1, true) });
    expect(await store.issueFeedbackCounts([issueId, issueId + 1])).toEqual(new Map([[issueId, 2]]));
  });
});
