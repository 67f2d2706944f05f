import { z } from "zod";
import type { ApiCommitters, ApiEvent, ApiIssueDetail, ApiTagKey } from "../../contract/index.ts";
import { ApiCallError } from "../api-client.ts";
import { eventMarkdown } from "../event-markdown.ts";
import { ISSUE_REF_INPUT, parseIssueRef } from "../issue-ref.ts";
import { code, when } from "../markdown.ts";
import { defineTool } from "../tool.ts";

/** `get_issue_details`: everything needed to start fixing an issue, in one answer. */
export const getIssueDetails = defineTool({
  name: "get_issue_details",
  title: "Get issue details",
  description: "Everything to start fixing an issue: title, status, counts, users, first/last seen and release, top tag values, suspect commits, " +
    "and the latest (or given) event's exception, stack trace with source context, breadcrumbs, request and user. " +
    "Name the issue by issueId (numeric 4821 or short id MY-PROJECT-1A) or issueUrl.",
  input: {
    ...ISSUE_REF_INPUT,
    eventId: z.string().max(40).optional().describe("show this event instead of the latest"),
  },
  access: "read",
  async run(args, ctx) {
    const ref = parseIssueRef(args);
    const org = await ctx.org(args.organizationSlug ?? ref.org);
    const o = encodeURIComponent(org);
    const issue = (await ctx.api.get<ApiIssueDetail>(`/api/0/organizations/${o}/issues/${encodeURIComponent(ref.id)}/`)).body;
    const [tags, event] = await Promise.all([
      ctx.api.get<ApiTagKey[]>(`/api/0/issues/${issue.id}/tags/`).then((r) => r.body),
      ctx.api.get<ApiEvent>(`/api/0/issues/${issue.id}/events/${encodeURIComponent(args.eventId ?? "latest")}/`).then((r) => r.body),
    ]);
    const out: string[] = [];
    out.push(`# ${issue.shortId}: ${issue.title}`, "");
    out.push(`**Issue**: [${issue.shortId}](${ctx.link(`/issues/${issue.id}/`)}) (id ${issue.id}) · project ${code(issue.project.slug)} · ${issue.status}${issue.status === "unresolved" && issue.substatus ? ` (${issue.substatus})` : ""} · level ${issue.level}${issue.isUnhandled ? " · unhandled" : ""}${issue.isSpiking ? ` · spiking (${issue.lastHourCount} in the last hour, usually ${issue.baselinePerHour.toFixed(1)}/h)` : ""}`);
    if (issue.culprit) out.push(`**Culprit**: ${code(issue.culprit)}`);
    out.push(`**Events**: ${issue.count} · **Users**: ${issue.userCount}`);
    out.push(`**First seen**: ${when(issue.firstSeen)}${issue.firstRelease ? ` in release ${code(issue.firstRelease.version)}` : ""}`);
    out.push(`**Last seen**: ${when(issue.lastSeen)}${issue.lastRelease ? ` in release ${code(issue.lastRelease.version)}` : ""}`);
    if (issue.statusDetails.inRelease || issue.statusDetails.inNextRelease) out.push(`**Resolved**: ${issue.statusDetails.inRelease ? `in release ${code(String(issue.statusDetails.inRelease))}` : "in the next release"}`);
    if (issue.resolution) out.push(`**Since the fix**: ${issue.resolution.fixedReleaseEventCount} events from the fix release or newer`);
    if (tags.length) {
      out.push("", "## Tags", "");
      for (const t of tags.slice(0, 12)) out.push(`- **${t.key}**: ${t.topValues.slice(0, 4).map((v) => `${v.value} (${v.count})`).join(", ")}${t.uniqueValues > 4 ? `, … ${t.uniqueValues} values` : ""}`);
    }
    out.push("", ...(await _suspectCommits(ctx.api, o, issue.project.slug, event.eventID)));
    out.push("", `## ${args.eventId ? "Event" : "Latest event"} ${code(event.eventID)} — ${when(event.dateCreated)}${event.release ? `, release ${code(event.release.version)}` : ""}${event.environment ? `, ${event.environment}` : ""}`, "");
    out.push(eventMarkdown(event));
    out.push("", `Next: explain_issue for a diagnosis; search_events with query issue:${issue.shortId} for other events; update_issue when fixed.`);
    return out.join("\n");
  },
});

// --- Internal ---

async function _suspectCommits(api: Parameters<typeof getIssueDetails.run>[1]["api"], org: string, project: string, eventId: string): Promise<string[]> {
  try {
    const res = await api.get<ApiCommitters>(`/api/0/projects/${org}/${encodeURIComponent(project)}/events/${eventId}/committers/`);
    const commits = res.body.committers.flatMap((c) => c.commits.map((commit) => ({ commit, author: c.author }))).sort((a, b) => a.commit.rank - b.commit.rank);
    if (!commits.length) return ["## Suspect commits", "", "None: no commit of the release touched the files of the crashing frames."];
    return ["## Suspect commits (closest to the crash first)", "", ...commits.slice(0, 5).map(({ commit: c, author }) =>
      `- ${c.url ? `[${c.id.slice(0, 12)}](${c.url})` : code(c.id.slice(0, 12))} ${(c.message ?? "").split("\n")[0]!.slice(0, 120)} — ${author.name ?? author.email ?? "unknown"}` +
      `${c.dateCreated ? `, ${c.dateCreated.slice(0, 10)}` : ""}, release ${code(c.release.version)}; changed ${c.files.map((f) => `${code(f.path)}${f.frame.function ? ` (frame ${f.frame.function})` : ""}`).join(", ")}`)];
  } catch (err) {
    if (err instanceof ApiCallError && err.status === 404) return ["## Suspect commits", "", `None known (${err.detail}): run \`sentry-cli releases set-commits <version> --auto\` in CI to get them.`];
    throw err;
  }
}
