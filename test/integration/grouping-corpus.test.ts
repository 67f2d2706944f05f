import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeLegacyV1Key } from "../../src/grouping/legacy-lt-v1.ts";
import type { NormalizedEvent } from "../../src/events/types.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually, runSdkScript } from "../_helpers/sdk.ts";
import type { CorpusEvent } from "../fixtures/grouping-corpus/types.ts";
import { GO_CORPUS } from "../fixtures/grouping-corpus/go.ts";
import { RUBY_CORPUS } from "../fixtures/grouping-corpus/ruby.ts";
import { JAVA_CORPUS } from "../fixtures/grouping-corpus/java.ts";
import { PHP_CORPUS } from "../fixtures/grouping-corpus/php.ts";
import { DOTNET_CORPUS } from "../fixtures/grouping-corpus/dotnet.ts";

/**
 * The labelled grouping corpus: real @sentry/node, Debian sentry-python and @sentry/browser (in
 * Chromium) events, plus events shaped as the Go, Ruby, Java, PHP and .NET SDKs' sources produce
 * them, all sent to a real server. Pairwise precision (pairs grouped together that are one bug)
 * and recall (pairs of one bug grouped together) are reported for lt-v1 (before) and for the
 * issues the server made (after).
 */

/** Every grouping rule has a case of its own; "lookalike-*" cases are different bugs that look alike. */
const REQUIRED_CASES = [
  // server-side in-app marking: built-in rules and a project rule
  "node-windows-node-modules", "browser-vite-deps", "python-site-dist-packages", "python-stdlib", "go-module-cache", "go-trimpath",
  "go-goroot", "php-vendor", "project-rule-in-app",
  // generated names
  "java-spring-cglib", "java-hibernate-proxy", "java-lambda", "java-reflection-accessor", "clojure-fn", "rails-template-method",
  "rails-template-method-negative", "rails-callback-chain", "ruby-object-address", "php-closure-line", "php-anonymous-class",
  "php-compiled-view", "php-symfony-container", "dotnet-generated-names", "node-bundle-hash",
  // parameterisation
  "message-js-date", "message-hex-id", "message-browser-date", "message-python-ctime", "message-java-date", "message-ruby-time",
  // look-alikes, per platform
  "lookalike-node", "lookalike-browser", "lookalike-python", "lookalike-go", "lookalike-ruby", "lookalike-java", "lookalike-php", "lookalike-dotnet",
];
const FIXTURE_CORPUS: CorpusEvent[] = [...GO_CORPUS, ...RUBY_CORPUS, ...JAVA_CORPUS, ...PHP_CORPUS, ...DOTNET_CORPUS];
/** The Java project's own rule: sentry-java without in-app packages sends no in_app at all. */
const PROJECT_RULES = "# our code\nstack.module:com.acme.** +app\n";

interface Labelled { bug: string; kase: string; platform: string; issueId: number; legacyKey: string }
interface Scores { precision: number; recall: number; sameBugPairs: number; splitPairs: number; mergedPairs: number }

describe("grouping corpus: pairwise precision and recall", () => {
  let t: TestServer;
  let corpus: Labelled[];

  beforeAll(async () => {
    t = await startTestServer();
    const rules = await t.api("/api/0/projects/lighttrace/my-project/grouping-rules/", { method: "PUT", body: JSON.stringify({ stackRules: PROJECT_RULES }) });
    expect(rules.status).toBe(200);
    let expected = FIXTURE_CORPUS.length;
    for (const item of FIXTURE_CORPUS) await _postLabelled(t, item);
    for (const [kind, script] of [["node", "grouping-corpus.mjs"], ["python", "grouping-corpus.py"]] as const) {
      const run = await runSdkScript(kind, script, { SENTRY_DSN: t.dsn, TZ: "Europe/Berlin" });
      expect(run.code, run.stderr).toBe(0);
      expected += Number(/sent (\d+)/.exec(run.stdout)![1]);
    }
    expected += await _runBrowserCorpus(t);
    corpus = await eventually(async () => {
      const stored = await _storedCorpus(t);
      return stored.length === expected ? stored : undefined;
    }, 20_000);
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it("covers every grouping rule and look-alike set with labelled events", () => {
    const cases = new Set(corpus.map((e) => e.kase));
    expect(REQUIRED_CASES.filter((c) => !cases.has(c))).toEqual([]);
    expect(new Set(corpus.map((e) => e.platform))).toEqual(new Set(["node", "javascript", "python", "go", "ruby", "java", "php", "csharp"]));
  });

  it("never merges different bugs and keeps ≥ 95% of same-bug pairs together (lt-v2), reported against lt-v1", () => {
    const before = _scores(corpus, (e) => e.legacyKey);
    const after = _scores(corpus, (e) => String(e.issueId));
    const bugs = new Set(corpus.map((e) => e.bug)).size;
    const line = (name: string, s: Scores) =>
      `${name.padEnd(16)} precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  (${s.sameBugPairs - s.splitPairs}/${s.sameBugPairs} same-bug pairs together, ${s.mergedPairs} different-bug pairs merged)`;
    const splitCases = [...new Set(corpus.map((e) => e.kase))].map((kase) => {
      const of = corpus.filter((e) => e.kase === kase);
      const b = _scores(of, (e) => e.legacyKey);
      const a = _scores(of, (e) => String(e.issueId));
      return `  ${kase.padEnd(32)} ${String(of.length).padStart(3)} events  split pairs before ${b.splitPairs}, after ${a.splitPairs}`;
    });
    console.log([`grouping corpus: ${corpus.length} events, ${bugs} bugs, 8 platforms`, line("lt-v1 (before)", before), line("lt-v2 (after)", after), ...splitCases].join("\n"));
    expect(after.precision).toBe(1);
    expect(after.recall).toBeGreaterThanOrEqual(0.95);
    // the corpus is not trivial: the rules it covers did split issues before
    expect(before.recall).toBeLessThan(0.95);
  });

  it("explains each issue's key: the frames that made it and the rules that marked the others", async () => {
    const windows = corpus.find((e) => e.kase === "node-windows-node-modules")!;
    const events = (await t.api(`/api/0/issues/${windows.issueId}/events/?full=true`)).body;
    const fromWindows = events.find((e: any) => JSON.stringify(e.entries).includes("C:\\\\srv\\\\shop\\\\node_modules"));
    const info = (await t.api(`/api/0/projects/lighttrace/my-project/events/${fromWindows.eventID}/grouping-info/`)).body;
    expect(info.mechanism).toBe("lt-v2");
    expect(info.variant).toBe("exception (in-app frames)");
    const frames = info.exceptions[0].frames;
    expect(frames.filter((f: any) => f.contributes).map((f: any) => f.key)).toEqual([
      "src.orders:place | placeOrder | -", "src.orders:validate | validateOrder | -",
    ]);
    const layer = frames.find((f: any) => f.label.startsWith("Layer.handle"));
    expect(layer).toMatchObject({ inApp: false, sdkInApp: true, contributes: false });
    expect(layer.hints).toContain('marked not in-app by built-in rule "stack.abs_path:**/node_modules/** -app"');
    // the stored event shows the re-marked frame, and keeps what the SDK sent
    const stored = fromWindows.entries.find((e: any) => e.type === "exception").data.values[0].stacktrace.frames;
    expect(stored.find((f: any) => f.function === "Layer.handle [as handle_request]").inApp).toBe(false);

    const rule = corpus.find((e) => e.kase === "project-rule-in-app")!;
    const ruleEvent = (await t.api(`/api/0/issues/${rule.issueId}/events/latest/`)).body;
    const ruleInfo = (await t.api(`/api/0/projects/lighttrace/my-project/events/${ruleEvent.eventID}/grouping-info/`)).body;
    const charge = ruleInfo.exceptions[0].frames.find((f: any) => f.label === "charge (com.acme.payments.CardGateway)");
    expect(charge).toMatchObject({ inApp: true, sdkInApp: null, contributes: true });
    expect(charge.hints).toContain('marked in-app by project rule "stack.module:com.acme.** +app" (line 2)');
  });
});

// --- Internal ---

async function _postLabelled(t: TestServer, item: CorpusEvent): Promise<void> {
  const body = { ...item.event, tags: { corpus_bug: item.bug, corpus_case: item.case } };
  const res = await fetch(`${t.url}/api/${t.projectId}/store/`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${t.publicKey}, sentry_client=corpus/1.0` },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBe(200);
}

/** Every stored event with its labels, its issue and the key lt-v1 gave it. */
async function _storedCorpus(t: TestServer): Promise<Labelled[]> {
  const out: Labelled[] = [];
  const issues = await t.server.store.listIssues({ projectIds: [t.projectId], tags: [], text: [], sort: "date", offset: 0, limit: 1000, nowMs: Date.now() });
  for (const issue of issues) {
    for (const stored of await t.server.store.listIssueEvents(issue.id, { offset: 0, limit: 1000, newestFirst: false })) {
      const tag = (k: string) => stored.event.tags.find(([key]) => key === k)?.[1];
      const bug = tag("corpus_bug");
      if (!bug) continue;
      out.push({ bug, kase: tag("corpus_case")!, platform: stored.event.platform, issueId: issue.id, legacyKey: computeLegacyV1Key(stored.event as NormalizedEvent) });
    }
  }
  return out;
}

function _scores(items: Labelled[], groupOf: (e: Labelled) => string): Scores {
  let together = 0;
  let sameBugPairs = 0;
  let splitPairs = 0;
  let mergedPairs = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const sameBug = items[i]!.bug === items[j]!.bug;
      const sameGroup = groupOf(items[i]!) === groupOf(items[j]!);
      if (sameGroup) together++;
      if (sameBug) sameBugPairs++;
      if (sameBug && !sameGroup) splitPairs++;
      if (!sameBug && sameGroup) mergedPairs++;
    }
  }
  return {
    precision: together === 0 ? 1 : (together - mergedPairs) / together,
    recall: sameBugPairs === 0 ? 1 : (sameBugPairs - splitPairs) / sameBugPairs,
    sameBugPairs, splitPairs, mergedPairs,
  };
}

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** @sentry/browser, bundled as an app would, exposed to the page's plain scripts. */
const SDK_SOURCE = `
import * as Sentry from "@sentry/browser";
Sentry.init({ dsn: new URLSearchParams(location.search).get("dsn"), release: "web@4.0.0",
  integrations: (defaults) => defaults.filter((i) => i.name !== "Dedupe") });
window.Sentry = Sentry;
`;
/** Two versions of a dependency as Vite's dev server serves it (/node_modules/.vite/deps/…): its internals changed. */
const CARTLIB = {
  "1": `window.cartlib = { applyCoupon: function applyCoupon(cart, code) { return validateCode(code); } };
function validateCode(code) { if (!/^[A-Z]{4}\\d{2}$/.test(code)) throw new TypeError("coupon code is malformed"); return code; }`,
  "2": `window.cartlib = { applyCoupon: function applyCoupon(cart, code) { return normalizeCode(code); } };
function normalizeCode(code) { return checkFormat(code.trim()); }
function checkFormat(code) { if (!/^[A-Z]{4}\\d{2}$/.test(code)) throw new TypeError("coupon code is malformed"); return code; }`,
};
const APP = `
function report(bug, kase, fn) {
  window.Sentry.withScope(function (scope) {
    scope.setTag("corpus_bug", bug);
    scope.setTag("corpus_case", kase);
    try { fn(); } catch (e) { window.Sentry.captureException(e); }
  });
}
function message(bug, kase, text) {
  window.Sentry.withScope(function (scope) {
    scope.setTag("corpus_bug", bug);
    scope.setTag("corpus_case", kase);
    window.Sentry.captureMessage(text, "warning");
  });
}
function onApplyCouponClicked(code) { return window.cartlib.applyCoupon({ items: [] }, code); }
function onGiftCardEntered(code) { return window.cartlib.applyCoupon({ items: [] }, code); }
window.runCorpus = function (lib) {
  report("browser-coupon-malformed", "browser-vite-deps", function () { onApplyCouponClicked("spring-sale"); });
  var when = lib === "1" ? new Date(2026, 10, 3, 10, 1, 2) : new Date(2026, 6, 14, 8, 30, 0);
  message("browser-cart-sync", "message-browser-date", "cart sync failed at " + when);
  message("browser-coupon-expired", "message-hex-id", "coupon " + (lib === "1" ? "65f1c2a9e4b0a1b2c3d4e5f6" : "6601ab03c9e77d12f0a4b5c8") + " expired");
  if (lib === "2") {
    report("browser-giftcard-malformed", "lookalike-browser", function () { onGiftCardEntered("gift card"); });
    message("browser-cart-sync-checkout", "lookalike-browser", "cart sync failed at checkout");
  }
  return lib === "1" ? 3 : 5;
};
`;

/** Loads the shop page once per library version in Chromium (TZ=Europe/Berlin); returns the events sent. */
async function _runBrowserCorpus(t: TestServer): Promise<number> {
  const bundle = await build({ stdin: { contents: SDK_SOURCE, resolveDir: process.cwd() }, bundle: true, write: false, format: "iife", logLevel: "warning" });
  const sdk = bundle.outputFiles[0]!.text;
  const site: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const js = (body: string) => res.writeHead(200, { "Content-Type": "text/javascript" }).end(body);
    if (url.pathname === "/sdk.js") return js(sdk);
    if (url.pathname === "/node_modules/.vite/deps/cartlib.js") return js(CARTLIB[url.searchParams.get("v") as "1" | "2"]);
    if (url.pathname === "/src/checkout.js") return js(APP);
    const lib = url.searchParams.get("lib");
    res.writeHead(200, { "Content-Type": "text/html" }).end(`<!doctype html><title>shop</title><script src="/sdk.js"></script>
<script src="/node_modules/.vite/deps/cartlib.js?v=${lib}"></script><script src="/src/checkout.js"></script>`);
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, env: { ...process.env, TZ: "Europe/Berlin" } });
  let sent = 0;
  try {
    for (const lib of ["1", "2"]) {
      const page = await browser.newPage();
      await page.goto(`${siteUrl}?${new URLSearchParams({ dsn: t.dsn, lib })}`);
      sent += await page.evaluate((v) => (window as unknown as { runCorpus(lib: string): number }).runCorpus(v), lib);
      await page.waitForTimeout(500);
      await page.close();
    }
  } finally {
    await browser.close();
    await new Promise((r) => site.close(r));
  }
  return sent;
}
