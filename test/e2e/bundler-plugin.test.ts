import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generatedPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import { sentryEsbuildPlugin } from "@sentry/esbuild-plugin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { buildApp, lineOf } from "../_helpers/sourcemap-app.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** @sentry/esbuild-plugin, unchanged, with its `url` pointed at the test server: debug ids injected and maps uploaded during the build. */
describe("@sentry/esbuild-plugin against a real server", () => {
  let t: TestServer;
  let work: string;

  beforeAll(async () => {
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    work = mkdtempSync(join(ROOT, ".tmp", "bundler-plugin-"));
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("uploads the build's maps, and events from it resolve by debug id", async () => {
    const outdir = join(work, "app", "dist");
    await buildApp({
      target: "web", outdir,
      plugins: [sentryEsbuildPlugin({
        url: t.url, authToken: t.token, org: "lighttrace", project: "my-project", telemetry: false,
        release: { name: "plugin@1.0.0" }, sourcemaps: { assets: [join(outdir, "**")] },
      })],
    });
    const code = readFileSync(join(outdir, "app.min.js"), "utf8");
    // the plugin's snippet registers the build's debug id at run time: _sentryDebugIds[stack] = "<uuid>"
    const debugId = /_sentryDebugIds\[[^\]]+\]\s*=\s*"([0-9a-f-]{36})"/.exec(code)?.[1];
    expect(debugId).toBeDefined();
    const bundles = (await t.api("/api/0/projects/lighttrace/my-project/files/artifact-bundles/")).body;
    expect(bundles).toEqual([expect.objectContaining({ release: "plugin@1.0.0" })]);

    const map = new TraceMap(readFileSync(join(outdir, "app.min.js.map"), "utf8"));
    const source = map.sources.find((s) => s!.endsWith("checkout.ts"))!;
    const line = lineOf("checkout.ts", "throw new PaymentError");
    const pos = generatedPositionFor(map, { source, line, column: 4 });
    const url = "https://shop.example/app.min.js";
    const event = errorEvent({
      platform: "javascript",
      debug_meta: { images: [{ type: "sourcemap", code_file: url, debug_id: debugId }] },
      exception: { values: [{ type: "PaymentError", value: "card declined", stacktrace: { frames: [{ filename: url, function: "x", lineno: pos.line, colno: pos.column! + 1, in_app: true }] } }] },
    });
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(event)) });
    expect(res.status).toBe(200);
    const stored = (await t.api(`/api/0/projects/lighttrace/my-project/events/${event.event_id}/`)).body;
    expect(stored.entries[0].data.values[0].stacktrace.frames[0]).toMatchObject({ filename: "src/checkout.ts", lineNo: line, function: "processPayment", data: { resolved_with: "debug-id" } });
  });
});
