import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname } from "node:path";
import { gzipSync } from "node:zlib";
import type { AssetSource } from "../assets.ts";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

const COMPRESSIBLE = new Set([".html", ".js", ".css", ".map", ".json", ".svg", ".txt"]);

/**
 * The UI's CSP: everything from this server only. Preact sets styles through the CSSOM, which
 * `style-src 'self'` allows; inline `<script>` and `<style>` are never needed.
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
  + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>LightTrace</title>
<p style="font-family:sans-serif">The LightTrace web UI is not built. Run <code>npm run build</code> and restart,
or point <code>LIGHTTRACE_UI_DIR</code> at a UI build. The API and ingest endpoints work without it.</p>`;

interface CachedAsset { body: Buffer; gzip: Buffer | undefined; type: string; etag: string }

/**
 * Serves the web UI build for GET/HEAD requests outside `/api/`: hashed files under `assets/` are
 * cached for a year (their names change with their content), `index.html` is revalidated on every
 * load, and any other path without a file is a client-side route, answered with index.html.
 */
export function createStaticHandler(source: AssetSource | undefined): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const immutable = new Map<string, CachedAsset>();
  return (req, res, url) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "application/json" }).end(JSON.stringify({ detail: `${req.method} is not allowed here` }));
      return;
    }
    if (!source) {
      res.writeHead(503, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(NOT_BUILT_PAGE);
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname).replace(/^\/+/, "");
    } catch {
      res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ detail: "malformed path" }));
      return;
    }
    // 1. hashed assets: immutable, read and compressed once
    if (path.startsWith("assets/")) {
      let asset = immutable.get(path);
      if (!asset) {
        const body = source.read(path);
        if (!body) {
          res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" }).end("not found");
          return;
        }
        asset = _prepare(path, body);
        if (immutable.size < 500) immutable.set(path, asset);
      }
      _send(req, res, asset, { "Cache-Control": "public, max-age=31536000, immutable" });
      return;
    }
    // 2. other files of the build (robots.txt, …); 3. everything else is a client route → index.html
    const file = path && path !== "index.html" ? source.read(path) : undefined;
    if (file) {
      _send(req, res, _prepare(path, file), { "Cache-Control": "public, max-age=3600" });
      return;
    }
    const index = source.read("index.html");
    if (!index) {
      res.writeHead(503, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(NOT_BUILT_PAGE);
      return;
    }
    _send(req, res, _prepare("index.html", index), {
      "Cache-Control": "no-cache",
      "Content-Security-Policy": CSP,
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "same-origin",
    });
  };
}

// --- Internal ---

function _prepare(path: string, body: Buffer): CachedAsset {
  const ext = extname(path).toLowerCase();
  const gzip = COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined;
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
  return { body, gzip, type: CONTENT_TYPES[ext] ?? "application/octet-stream", etag };
}

function _send(req: IncomingMessage, res: ServerResponse, asset: CachedAsset, headers: Record<string, string>): void {
  const base: Record<string, string> = { ...headers, "Content-Type": asset.type, ETag: asset.etag, "X-Content-Type-Options": "nosniff", Vary: "Accept-Encoding" };
  if (req.headers["if-none-match"] === asset.etag) {
    res.writeHead(304, base).end();
    return;
  }
  const useGzip = asset.gzip !== undefined && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  const body = useGzip ? asset.gzip! : asset.body;
  res.writeHead(200, { ...base, ...(useGzip ? { "Content-Encoding": "gzip" } : {}), "Content-Length": String(body.length) });
  res.end(req.method === "HEAD" ? undefined : body);
}
