import { cpSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

/** The multi-file TypeScript app the source-map tests build: test/fixtures/sourcemaps/app/src. */
export const APP_SRC = fileURLToPath(new URL("../fixtures/sourcemaps/app/src/", import.meta.url));

/** The 1-based line of the first line of `file` containing `text` (what a resolved frame must point at). */
export function lineOf(file: string, text: string): number {
  const lines = readFileSync(join(APP_SRC, file), "utf8").split("\n");
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${text} not in ${file}`);
  return i + 1;
}

/**
 * Builds the app as a production build would: bundled, minified, with external source maps.
 * `second` keeps extra code, so that build's minified frames differ from the first one's. The
 * sources are copied next to `outdir` first (`outdir/../src`).
 */
export async function buildApp(opts: { target: "web" | "node"; outdir: string; second?: boolean; plugins?: Plugin[] }): Promise<void> {
  // a project's layout: the sources beside the build output, so the map names them ../src/…
  const src = join(opts.outdir, "..", "src");
  cpSync(APP_SRC, src, { recursive: true });
  await build({
    entryPoints: [join(src, opts.target === "web" ? "main-web.ts" : "main-node.ts")],
    bundle: true,
    minify: true,
    sourcemap: true,
    outdir: opts.outdir,
    entryNames: "app.min",
    outExtension: opts.target === "node" ? { ".js": ".mjs" } : {},
    platform: opts.target === "web" ? "browser" : "node",
    format: opts.target === "web" ? "iife" : "esm",
    external: opts.target === "node" ? ["@sentry/node"] : [],
    define: { SECOND_BUILD: opts.second ? "true" : "false" },
    // the copied sources may live outside the checkout: resolve @sentry/browser from it
    nodePaths: [fileURLToPath(new URL("../../node_modules/", import.meta.url))],
    logLevel: "silent",
    plugins: opts.plugins ?? [],
  });
}

/** Serves directories over HTTP (the page that loads a built app): `/<prefix>/…` → files of `dirs[prefix]`. */
export async function serveStatic(routes: Record<string, { dir: string; release: string; dsn: string }>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const [, prefix, file] = /^\/([^/]+)\/(.*)$/.exec(req.url ?? "") ?? [];
    const route = prefix ? routes[prefix] : undefined;
    if (!route) return void res.writeHead(404).end();
    if (file === "" || file === "index.html") {
      res.writeHead(200, { "Content-Type": "text/html" });
      return void res.end(`<!doctype html><script>window.LT_DSN=${JSON.stringify(route.dsn)};window.LT_RELEASE=${JSON.stringify(route.release)}</script><script src="app.min.js"></script>`);
    }
    try {
      const body = readFileSync(join(route.dir, file!.replace(/[^\w.-]/g, "")));
      res.writeHead(200, { "Content-Type": file!.endsWith(".js") ? "text/javascript" : "application/json" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
