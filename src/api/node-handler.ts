import type { IncomingMessage, ServerResponse } from "node:http";
import { toNodeHandler } from "h3";
import { createApiApp } from "./app.ts";
import type { ApiDeps } from "./context.ts";

export type NodeRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The web API as a plain Node request handler (what the HTTP server mounts). Every answer, errors
 * included, says `nosniff` (a JSON body holding event data is never run as a script or page) and
 * `no-store` (event data, tokens and who-is-signed-in stay out of shared and browser caches); a
 * route may still choose its own Cache-Control.
 */
export function createApiNodeHandler(deps: ApiDeps): NodeRequestHandler {
  const handler = toNodeHandler(createApiApp(deps));
  return async (req, res) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    await handler(req, res);
  };
}
