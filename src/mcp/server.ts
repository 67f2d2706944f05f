import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Logger } from "../logger.ts";
import { LIGHTTRACE_VERSION } from "../version.ts";
import { ApiCallError, type LightTraceApi } from "./api-client.ts";
import { createToolContext, ToolInputError } from "./tool.ts";
import { TOOLS } from "./tools/index.ts";

const INSTRUCTIONS = `LightTrace is a local error tracker that speaks Sentry's protocol. Typical flow: search_issues (Sentry search syntax, e.g. "is:unresolved level:error") → ` +
  `get_issue_details (stack trace, breadcrumbs, suspect commits) → explain_issue → fix → update_issue (resolvedInNextRelease once the fix is merged). ` +
  `Issue ids may be numeric or short ids like MY-PROJECT-1A. Answers are Markdown with links to the LightTrace UI.`;

/**
 * The LightTrace MCP server: every tool of tools/index.ts, each answering Markdown. A refusal of
 * the web API (a read-only token updating, an unknown issue) is a tool error the agent can read,
 * not a protocol failure.
 */
export function createLightTraceMcpServer(api: LightTraceApi, logger: Logger): McpServer {
  const server = new McpServer({ name: "lighttrace", version: LIGHTTRACE_VERSION }, { instructions: INSTRUCTIONS });
  const ctx = createToolContext(api);
  for (const tool of TOOLS) {
    server.registerTool(tool.name, {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      annotations: { title: tool.title, readOnlyHint: tool.access === "read", destructiveHint: false, idempotentHint: tool.access === "read", openWorldHint: false },
    }, async (args: Record<string, unknown>) => {
      try {
        return { content: [{ type: "text" as const, text: await tool.run(args as never, ctx) }] };
      } catch (err) {
        if (err instanceof ToolInputError) return { isError: true, content: [{ type: "text" as const, text: err.message }] };
        if (!(err instanceof ApiCallError)) {
          logger.error("MCP tool failed", { tool: tool.name, error: err });
          return { isError: true, content: [{ type: "text" as const, text: "LightTrace failed to answer (its log says why)." }] };
        }
        const hint = err.status === 403 ? " This needs a token with more scope (lighttrace tokens create --scope write)." : err.status === 404 ? " Check the id (search_issues lists issues)." : "";
        return { isError: true, content: [{ type: "text" as const, text: `LightTrace answered ${err.status}: ${err.detail}.${hint}` }] };
      }
    });
  }
  return server;
}
