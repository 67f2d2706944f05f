import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { track } from "./harness.ts";

export interface ReverseProxy {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ReverseProxyOptions {
  /** headers to add, given the request's headers and the address it came from (nginx's `proxy_set_header`) */
  addHeaders?: (headers: IncomingHttpHeaders, clientAddress: string) => Record<string, string>;
  /** the loopback address the proxy connects to the upstream from (e.g. 127.0.0.9), so hops can be told apart */
  localAddress?: string;
}

/**
 * A reverse proxy that behaves like nginx's default `proxy_pass http://127.0.0.1:PORT;`: it rewrites
 * `Host` to the upstream address and adds no forwarding header (no Via, Forwarded, X-Forwarded-*),
 * so the upstream sees a request that looks exactly like a local browser's. `addHeaders` adds
 * headers the way a proxy configured to send them would.
 */
export async function startReverseProxy(upstreamPort: number, options: ReverseProxyOptions = {}): Promise<ReverseProxy> {
  const server: Server = createServer((req, res) => {
    const added = options.addHeaders?.(req.headers, req.socket.remoteAddress ?? "") ?? {};
    const headers: IncomingHttpHeaders = { ...req.headers, ...added, host: `127.0.0.1:${upstreamPort}`, connection: "close" };
    const upstream = request({ host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers, ...(options.localAddress ? { localAddress: options.localAddress } : {}) }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  track({ close });
  return { url: `http://127.0.0.1:${port}`, port, close };
}

/** nginx's `$proxy_add_x_forwarded_for`: the client's X-Forwarded-For with the address the proxy saw appended. */
export function appendForwardedFor(headers: IncomingHttpHeaders, clientAddress: string): Record<string, string> {
  const prior = headers["x-forwarded-for"];
  return { "x-forwarded-for": prior ? `${String(prior)}, ${clientAddress}` : clientAddress };
}
