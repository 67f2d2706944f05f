import { z } from "zod";
import type { ApiProject } from "../../contract/index.ts";
import { table } from "../markdown.ts";
import { defineTool } from "../tool.ts";

/** `find_projects`: the projects of an organization. */
export const findProjects = defineTool({
  name: "find_projects",
  title: "Find projects",
  description: "List the projects of the organization with slug, name and platform. Use a slug as projectSlug in search_issues, search_events and find_releases.",
  input: { organizationSlug: z.string().max(100).optional().describe("organization slug (default: the installation's)") },
  access: "read",
  async run(args, ctx) {
    const org = await ctx.org(args.organizationSlug);
    const projects = (await ctx.api.get<ApiProject[]>(`/api/0/organizations/${encodeURIComponent(org)}/projects/`)).body;
    if (!projects.length) return `No projects in \`${org}\` yet. Create one in the UI: ${ctx.link("/projects/")}`;
    return [`# Projects in \`${org}\``, "", table(["slug", "name", "platform", "issues"], projects.map((p) => [`\`${p.slug}\``, p.name, p.platform, `[open](${ctx.link(`/projects/${encodeURIComponent(p.slug)}/issues/`)})`]))].join("\n");
  },
});
