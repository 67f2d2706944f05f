import { z } from "zod";
import type { ApiEventSearch } from "../../contract/index.ts";
import { table, when } from "../markdown.ts";
import { defineTool } from "../tool.ts";

const FIELDS = ["id", "title", "project", "timestamp", "level", "release", "environment", "issue", "trace", "user"] as const;

/** `search_events`: individual error events, by Sentry's search keys. */
export const searchEvents = defineTool({
  name: "search_events",
  title: "Search events",
  description: "Search individual error events (not grouped issues), newest first, with Sentry search keys: level, release, environment, trace, " +
    "issue (short id), issue.id, user (id:42 / email:…), user.id, project, !key:value to exclude, and free words matched in the title. " +
    "Use it to see which releases, users or environments an issue's events come from, or every error of one trace.",
  input: {
    organizationSlug: z.string().max(100).optional(),
    query: z.string().max(2000).default("").describe('e.g. "issue:MY-PROJECT-1A environment:production" or "release:web@2.0.0 level:error"'),
    fields: z.array(z.enum(FIELDS)).max(FIELDS.length).optional().describe("columns to show (default: all)"),
    sort: z.enum(["-timestamp", "timestamp"]).default("-timestamp"),
    projectSlug: z.string().max(100).optional(),
    environment: z.string().max(64).optional(),
    period: z.enum(["1h", "24h", "7d", "14d", "30d", "90d"]).optional().describe("only events received within this period"),
    limit: z.number().int().min(1).max(100).default(20),
    dataset: z.enum(["errors"]).default("errors").describe("LightTrace searches error events"),
  },
  access: "read",
  async run(args, ctx) {
    const org = await ctx.org(args.organizationSlug);
    const fields = args.fields?.length ? args.fields : [...FIELDS];
    const res = (await ctx.api.get<ApiEventSearch>(`/api/0/organizations/${encodeURIComponent(org)}/events/`, {
      // the issue's numeric id comes along for the link
      field: fields.includes("issue") ? [...fields, "issue.id"] : fields, query: args.query, sort: args.sort, project: args.projectSlug, environment: args.environment, statsPeriod: args.period, per_page: args.limit,
    })).body;
    const head = `# Events matching ${"`"}${args.query || "(everything)"}${"`"}`;
    if (!res.data.length) return `${head}\n\nNo events match.`;
    const rows = res.data.map((r) => fields.map((f) => {
      const v = r[f];
      if (f === "timestamp") return when(String(v));
      if (f === "issue" && v && r["issue.id"] !== undefined) return `[${String(v)}](${ctx.link(`/issues/${r["issue.id"]}/`)})`;
      if (f === "issue" && v) return String(v);
      if (f === "trace" && v) return `\`${String(v)}\``;
      return v === null || v === undefined ? null : String(v);
    }));
    return [head, "", table([...fields], rows), "", `${res.data.length} event${res.data.length === 1 ? "" : "s"}${res.data.length === args.limit ? " (more may match: raise limit or narrow the query)" : ""}.`].join("\n");
  },
});
