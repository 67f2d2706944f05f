import type { z } from "zod";
import type { ApiOrganization } from "../contract/index.ts";
import type { LightTraceApi } from "./api-client.ts";

/**
 * One MCP tool: its name (Sentry's MCP server's name where the job is the same), what it is for
 * (the agent reads the description to choose), its input as a zod shape, whether it changes
 * anything, and what it does, answering compact Markdown with links to the UI. A tool only talks
 * to LightTrace's web API (`ctx.api`), so tokens and scopes are checked where every client's are.
 */
export interface McpTool<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: S;
  /** "write": changes data; the API refuses it to read-only tokens */
  access: "read" | "write";
  run(args: z.infer<z.ZodObject<S>>, ctx: ToolContext): Promise<string>;
}

/** Declares a tool with its argument types inferred from its input shape. */
export function defineTool<S extends z.ZodRawShape>(tool: McpTool<S>): McpTool<S> {
  return tool;
}

/** What a tool runs with. */
export interface ToolContext {
  api: LightTraceApi;
  /** the organization slug: the one named, else the installation's (LightTrace has one) */
  org(named?: string): Promise<string>;
  /** an absolute link into the web UI for a UI path like `/issues/42/` */
  link(path: string): string;
}

/** A ToolContext over an API. */
export function createToolContext(api: LightTraceApi): ToolContext {
  let orgSlug: Promise<string> | undefined;
  return {
    api,
    org: async (named) => {
      if (named) return named;
      orgSlug ??= api.get<ApiOrganization[]>("/api/0/organizations/").then((r) => r.body[0]?.slug ?? "lighttrace");
      return orgSlug;
    },
    link: (path) => `${api.uiBase}${path}`,
  };
}

/** A tool's input that makes no sense (the agent can read and fix it); schema checks come first. */
export class ToolInputError extends Error {
  override name = "ToolInputError";
}
