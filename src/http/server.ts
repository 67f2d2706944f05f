import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../logger.ts";
import { INGEST_PATH } from "../ingest/routes.ts";
import { CRON_PATH } from "../ingest/cron-route.ts";

type IngestHandler = (req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray) => Promise<void>;

export interface HttpServerDeps {
  ingest: IngestHandler;
  /** Relay's cron check-in endpoint (src/ingest/cron-route.ts) */
  cron?: IngestHandler;
  /** the web API (h3): everything under /api/ that is not ingest, and MCP at /mcp */
  api: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  logger: Logger;
  /** false until the store is open; /health answers 503 meanwhile */
  isReady: () => boolean;
  /** Host-header allow-list for the UI and API (DNS-rebinding defence); ingest and /health are exempt */
  isAllowedHost?: (hostHeader: string | undefined) => boolean;
  /** serves the web UI for non-API paths (src/http/static.ts) */
  ui?: (req: IncomingMessage, res: ServerResponse, url: URL) => void;
  /** slow-client limits (src/config.ts); Node's defaults when left out */
  limits?: { headersTimeoutMs: number; bodyIdleTimeoutMs: number; maxConnections: number };
}

/**
 * One `node:http` server: ingest paths go to the raw streaming handler (no framework on the hot
 * path), `/health` answers directly, the UI's files come from the static handler, and the rest
 * goes to the web API. Slow clients cannot hold connections: headers must arrive within
 * `headersTimeoutMs`, a body that stops for `bodyIdleTimeoutMs` is answered 408, a whole request
 * gets 120 s, and connections past `maxConnections` are closed at once.
 */
export function createHttpServer(deps: HttpServerDeps): Server {
  const limits = deps.limits;
  const server = createServer({
    keepAliveTimeout: 65_000,
    requestTimeout: 120_000,
    ...(limits ? { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: Math.min(limits.headersTimeoutMs / 4, 5_000) } : {}),
  }, (req, res) => {
    if (limits) _watchBodyIdle(req, res, limits.bodyIdleTimeoutMs);
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ detail: "malformed request URL" }));
      return;
    }
    const ingest = INGEST_PATH.exec(url.pathname);
    if (ingest) {
      void deps.ingest(req, res, url, ingest);
      return;
    }
    const cron = deps.cron && CRON_PATH.exec(url.pathname);
    if (cron) {
      void deps.cron!(req, res, url, cron);
      return;
    }
    if (url.pathname === "/health") {
      const ready = deps.isReady();
      res.writeHead(ready ? 200 : 503, { "Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
      res.end(JSON.stringify({ status: ready ? "ok" : "starting" }));
      return;
    }
    // SDKs may address ingest by any name (containers, tunnels) and authenticate with the DSN key;
    // the browser-facing UI and API only answer to names that cannot be DNS-rebound to us.
    if (deps.isAllowedHost && !deps.isAllowedHost(req.headers.host)) {
      res.writeHead(403, { "Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
      res.end(JSON.stringify({ detail: `Host "${String(req.headers.host ?? "").slice(0, 100)}" is not allowed; set LIGHTTRACE_PUBLIC_URL to the address you browse to` }));
      return;
    }
    if (deps.ui && !url.pathname.startsWith("/api/") && url.pathname !== "/mcp" && url.pathname !== "/mcp/") {
      deps.ui(req, res, url);
      return;
    }
    deps.api(req, res).catch((err: unknown) => {
      deps.logger.error("request failed", { error: err, path: url.pathname });
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ detail: "Internal Error" }));
      else res.destroy();
    });
  });
  if (limits) server.maxConnections = limits.maxConnections;
  server.on("clientError", (err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    deps.logger.debug("client error", { error: (err as Error).message });
  });
  return server;
}

/** Listens, turning EADDRINUSE into a message that says what to do. Resolves with the bound port. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") reject(new Error(`port ${port} on ${host} is already in use; pick another with --port or LIGHTTRACE_PORT`));
      else if (err.code === "EACCES") reject(new Error(`not allowed to listen on ${host}:${port}; use a port above 1024`));
      else reject(err);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

// --- Internal ---

/**
 * Answers 408 and closes the connection when the request body pauses for `idleMs` (a slow or
 * unterminated upload). Only while the body is arriving: once it is complete, however long the
 * answer takes (an Explain waiting for its LLM), nothing is cut.
 */
function _watchBodyIdle(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  if (req.complete) return;
  const socket = req.socket;
  // Node emits the socket's idle timeout on the request while its body is incomplete, else on the
  // response, and destroys the socket itself only when neither listens
  const stop = () => {
    socket.setTimeout(0);
    req.off("timeout", onBodyIdle);
    res.off("timeout", stop);
  };
  const onBodyIdle = () => {
    stop();
    if (res.headersSent) return void socket.destroy();
    const body = JSON.stringify({ detail: `the request body stopped arriving for ${Math.round(idleMs / 1000)} s` });
    res.writeHead(408, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Connection: "close" }).end(body);
  };
  socket.setTimeout(idleMs);
  req.on("timeout", onBodyIdle);
  res.on("timeout", stop);
  req.once("end", stop);
  res.once("close", stop);
}
