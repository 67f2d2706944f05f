import type { ApiOrganization } from "../../contract/index.ts";
import { table } from "../markdown.ts";
import { defineTool } from "../tool.ts";

/** `find_organizations`: the organizations this token can see (LightTrace has one). */
export const findOrganizations = defineTool({
  name: "find_organizations",
  title: "Find organizations",
  description: "List the organizations in this LightTrace installation, with their slugs (the organizationSlug other tools take; LightTrace has one, used by default).",
  input: {},
  access: "read",
  async run(_args, ctx) {
    const orgs = (await ctx.api.get<ApiOrganization[]>("/api/0/organizations/")).body;
    return [`# Organizations`, "", table(["slug", "name", "created"], orgs.map((o) => [`\`${o.slug}\``, o.name, o.dateCreated.slice(0, 10)])),
      "", `Open the UI: ${ctx.link("/")}`].join("\n");
  },
});
