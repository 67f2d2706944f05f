import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatedPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { runCli } from "../_helpers/child-server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { buildApp, lineOf } from "../_helpers/sourcemap-app.ts";

/** `lighttrace sourcemaps upload`: the built CLI against a running server, then an event that uses what it uploaded. */
describe("lighttrace sourcemaps upload", () => {
  let t: TestServer;
  let work: string;

  beforeAll(async () => {
    t = await startTestServer();
    work = mkdtempSync(join(tmpdir(), "lt-sourcemaps-cli-"));
    await buildApp({ target: "web", outdir: join(work, "app", "dist", "static") });
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("pairs files with their maps, uploads them with a summary, and events resolve by release + URL", async () => {
    const run = await runCli(["sourcemaps", "upload", join(work, "app", "dist"), "--release", "web@9.0.0", "--url", t.url, "--auth-token", t.token]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Uploading chunks: 1\/1/);
    expect(run.stdout).toContain("Uploaded 2 files");
    expect(run.stdout).toContain("for release web@9.0.0, project my-project.");
    expect(run.stdout).toContain("Matched 1 minified file with a source map:\n  static/app.min.js  →  static/app.min.js.map");

    // an event from that build, at the minified position of the throw
    const map = new TraceMap(readFileSync(join(work, "app", "dist", "static", "app.min.js.map"), "utf8"));
    const source = map.sources.find((s) => s!.endsWith("checkout.ts"))!;
    const line = lineOf("checkout.ts", "throw new PaymentError");
    const pos = generatedPositionFor(map, { source, line, column: 4 });
    const event = errorEvent({
      platform: "javascript", release: "web@9.0.0",
      exception: { values: [{ type: "PaymentError", value: "card declined", stacktrace: { frames: [
        { filename: "https://shop.example/static/app.min.js", function: "x", lineno: pos.line, colno: pos.column! + 1, in_app: true },
      ] } }] },
    });
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(event)) });
    expect(res.status).toBe(200);
    const stored = (await t.api(`/api/0/projects/lighttrace/my-project/events/${event.event_id}/`)).body;
    const frame = stored.entries[0].data.values[0].stacktrace.frames[0];
    expect(frame).toMatchObject({ filename: "src/checkout.ts", lineNo: line, function: "processPayment", data: { resolved_with: "release", sourcemap: "~/static/app.min.js.map" } });
  });

  it("explains what is wrong and exits 1: a map that does not parse, a missing token, an unknown project", async () => {
    const bad = join(work, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "a.js"), "x()\n//# sourceMappingURL=a.js.map\n");
    writeFileSync(join(bad, "a.js.map"), "{ not json");
    const broken = await runCli(["sourcemaps", "upload", bad, "--release", "r1", "--url", t.url, "--auth-token", t.token]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error: a\.js\.map is not a valid source map: /);
    const noToken = await runCli(["sourcemaps", "upload", bad, "--release", "r1", "--url", t.url], { LIGHTTRACE_AUTH_TOKEN: "", SENTRY_AUTH_TOKEN: "" });
    expect(noToken.stderr).toContain("error: no API token");
    const unknown = await runCli(["sourcemaps", "upload", join(work, "app", "dist"), "--release", "r1", "--project", "nope", "--url", t.url, "--auth-token", t.token]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Invalid project ids or slugs: nope");
    const noRelease = await runCli(["sourcemaps", "upload", bad, "--url", t.url, "--auth-token", t.token]);
    expect(noRelease.stderr).toContain("required option '--release <release>' not specified");
  });
});
