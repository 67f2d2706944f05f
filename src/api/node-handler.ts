import type { IncomingMessage, ServerResponse } from "node:http";
import { toNodeHandler } from "h3";
import { createApiApp } from "./app.ts";
import type { ApiDeps } from "./context.ts";

export type NodeRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The web API as a plain Node request handler (what the HTTP server mounts). */
export function createApiNodeHandler(deps: ApiDeps): NodeRequestHandler {
  const handler = toNodeHandler(createApiApp(deps));
  return async (req, res) => {
    await handler(req, res);
  };
}
