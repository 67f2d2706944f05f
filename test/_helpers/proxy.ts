import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";

export interface ReverseProxy {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A reverse proxy that behaves like nginx's default `proxy_pass http://127.0.0.1:PORT;`: it rewrites
 * `Host` to the upstream address and adds no forwarding header (no Via, Forwarded, X-Forwarded-*),
 * so the upstream sees a request that looks exactly like a local browser's. `addHeaders` adds
 * headers the way a proxy configured to send them would.
 */
export async function startReverseProxy(upstreamPort: number, addHeaders: (req: IncomingHttpHeaders) => Record<string, string> = () => ({})): Promise<ReverseProxy> {
  const server: Server = createServer((req, res) => {
    const headers: IncomingHttpHeaders = { ...req.headers, ...addHeaders(req.headers), host: `127.0.0.1:${upstreamPort}`, connection: "close" };
    const upstream = request({ host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers }, (up) => {
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
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
