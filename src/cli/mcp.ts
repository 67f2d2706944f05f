import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { createApiApp } from "../api/app.ts";
import type { ApiPrincipal } from "../api/principal.ts";
import { SCOPES_BY_LEVEL } from "../api/scopes.ts";
import { systemClock } from "../clock.ts";
import { createLogger } from "../logger.ts";
import { ApiCallError, createHttpApi, createInProcessApi, type LightTraceApi } from "../mcp/api-client.ts";
import { createLightTraceMcpServer } from "../mcp/server.ts";
import { SOURCE_MAP_CACHE_WEIGHT } from "../sourcemaps/limits.ts";
import { SourceMapCache } from "../sourcemaps/map-cache.ts";
import { Symbolicator } from "../sourcemaps/symbolicate.ts";
import { fail } from "./output.ts";
import { withCliStore } from "./store-access.ts";

const flagsSchema = z.object({
  url: z.string().url("a URL like http://127.0.0.1:8000").optional(),
  token: z.string().min(1).optional(),
  data: z.string().optional(),
  scope: z.enum(["read", "write"]).optional(),
});

/**
 * `lighttrace mcp`: the MCP server over stdio, for coding agents. With `--url` and `--token` (or
 * LIGHTTRACE_URL / LIGHTTRACE_TOKEN) its tools call a running LightTrace's web API; otherwise
 * they call the API in this process over the data directory (`--data`, as the other commands),
 * acting with `--scope` (default write). stdout carries the protocol only; messages go to stderr.
 */
export async function runMcp(rawFlags: unknown): Promise<void> {
  const parsed = flagsSchema.safeParse(rawFlags);
  if (!parsed.success) fail(`invalid --${String(parsed.error.issues[0]!.path[0])}: ${parsed.error.issues[0]!.message}`);
  const flags = parsed.data;
  const logger = createLogger("warn", (line) => process.stderr.write(line + "\n"));
  const url = flags.url ?? process.env.LIGHTTRACE_URL;
  if (url) {
    const token = flags.token ?? process.env.LIGHTTRACE_TOKEN;
    if (!token) fail("--url needs a token: --token or LIGHTTRACE_TOKEN (create one with: lighttrace tokens create --scope read)");
    if (flags.data || flags.scope) fail("--data and --scope are for the local store; with --url the token's scope applies");
    const api = createHttpApi(url, token);
    await _checkReachable(api, url);
    await _serve(api, logger);
    return;
  }
  await withCliStore(flags.data, async ({ store, config, publicUrl }) => {
    const symbolicator = new Symbolicator({ store, cache: new SourceMapCache(SOURCE_MAP_CACHE_WEIGHT) });
    const app = createApiApp({ config, store, clock: systemClock, logger, publicUrl: () => publicUrl, symbolicator });
    // the owner of the data directory, with the scope asked for (never admin: agents do not change settings)
    const principal: ApiPrincipal = {
      kind: "token",
      token: { id: 0, name: "lighttrace mcp (local store)", tokenHint: "", scopes: [...SCOPES_BY_LEVEL[flags.scope ?? "write"]], createdAtSec: Date.now() / 1000, lastUsedAtSec: null },
    };
    await _serve(createInProcessApi(app, publicUrl, principal), logger);
  });
}

// --- Internal ---

/** Serves MCP on stdin/stdout until the client closes the stream. */
async function _serve(api: LightTraceApi, logger: ReturnType<typeof createLogger>): Promise<void> {
  const server = createLightTraceMcpServer(api, logger);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
}

/** Fails at start, in words, when the server is unreachable or refuses the token. */
async function _checkReachable(api: LightTraceApi, url: string): Promise<void> {
  try {
    await api.get("/api/0/");
  } catch (err) {
    if (err instanceof ApiCallError) fail(`${url} refused the token (${err.status} ${err.detail})`);
    fail(`cannot reach LightTrace at ${url}: ${(err as Error).message}`);
  }
}
