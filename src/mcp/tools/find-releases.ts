import { z } from "zod";
import type { ApiReleaseListItem } from "../../contract/index.ts";
import { table, when } from "../markdown.ts";
import { defineTool } from "../tool.ts";

/** `find_releases`: releases, newest first, with their crash-free rates. */
export const findReleases = defineTool({
  name: "find_releases",
  title: "Find releases",
  description: "Releases, newest first, with crash-free session and user rates (release health), adoption, new issues, events, commits and the last deploy. " +
    "Use it to see whether a release made things worse or whether a fix shipped.",
  input: {
    organizationSlug: z.string().max(100).optional(),
    projectSlug: z.string().max(100).optional().describe("only releases of this project"),
    query: z.string().max(200).optional().describe("part of the version"),
    limit: z.number().int().min(1).max(100).default(10),
  },
  access: "read",
  async run(args, ctx) {
    const org = await ctx.org(args.organizationSlug);
    const releases = (await ctx.api.get<ApiReleaseListItem[]>(`/api/0/organizations/${encodeURIComponent(org)}/releases/`, {
      health: 1, project: args.projectSlug, query: args.query, per_page: args.limit,
    })).body;
    if (!releases.length) return "No releases match. SDKs report the release they run (the `release` option); sentry-cli releases new creates one.";
    const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : `${v.toFixed(2)}%`);
    const rows = releases.map((r) => {
      const health = r.projects.map((p) => p.healthData).filter((h) => h?.hasHealthData);
      const one = health.length === 1 ? health[0]! : undefined;
      return [
        `[${r.version}](${ctx.link(`/releases/${encodeURIComponent(r.version)}/`)})`, when(r.firstSeen), r.newGroups, r.eventCount,
        one ? pct(one.crashFreeSessions) : health.length ? "per project" : "no sessions", one ? pct(one.crashFreeUsers) : null,
        r.adoption === null ? null : `${r.adoption.toFixed(0)}%`, r.commitCount, r.lastDeploy ? `${r.lastDeploy.environment} ${r.lastDeploy.dateFinished.slice(0, 10)}` : null,
      ];
    });
    return [`# Releases${args.projectSlug ? ` of \`${args.projectSlug}\`` : ""}`, "",
      table(["release", "first seen", "new issues", "events", "crash-free sessions", "crash-free users", "adoption 24h", "commits", "last deploy"], rows)].join("\n");
  },
});
