import { HTTPError, type H3, type H3Event } from "h3";
import { requireApiAuth } from "../api/auth.ts";
import type { ApiDeps } from "../api/context.ts";
import { createInProcessApi } from "./api-client.ts";

/** An MCP request body larger than this is refused (the tools' arguments are small). */
const MAX_MCP_BODY_BYTES = 1024 * 1024;

/**
 * MCP over streamable HTTP at `/mcp`, with the API's Bearer tokens: each request gets a stateless
 * MCP server whose tools call the web API in this process as the token's holder, so its scopes
 * apply to every tool (a read-only token cannot update issues). JSON answers, no sessions.
 * Cookies do not work here: an MCP client is a program, and a browser must not drive the tools.
 */
export function mountMcpRoute(app: H3, deps: ApiDeps): void {
  const handle = async (event: H3Event): Promise<Response> => {
    if (!event.req.headers.get("authorization")) {
      throw new HTTPError({ status: 401, message: "MCP needs Authorization: Bearer <token> (create one with: lighttrace tokens create --scope read)" });
    }
    const principal = await requireApiAuth(event, deps);
    // the SDK is loaded on first use: the server starts without it
    const [{ WebStandardStreamableHTTPServerTransport }, { createLightTraceMcpServer }] = await Promise.all([
      import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"),
      import("./server.ts"),
    ]);
    const server = createLightTraceMcpServer(createInProcessApi(app, deps.publicUrl(), principal), deps.logger);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: MAX_MCP_BODY_BYTES });
    await server.connect(transport);
    try {
      return await transport.handleRequest(event.req as unknown as Request);
    } finally {
      await server.close();
    }
  };
  app.all("/mcp", handle);
  app.all("/mcp/", handle);
}
