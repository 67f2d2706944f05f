import { describe, expect, it } from "vitest";
import { buildExplainPrompt } from "../../src/explain/prompt.ts";
import { analyseOffline } from "../../src/explain/offline-analyser.ts";
import { findSuspectCommits, repositoryPathOfFrame, type SuspectFrame } from "../../src/releases/suspect-commits.ts";
import type { ReleaseCommitWithFiles } from "../../src/store/model/releases.ts";
import { rawEventFacts } from "../_helpers/explain.ts";

const frame = (filename: string, fn: string, extra: Partial<SuspectFrame> = {}): SuspectFrame => ({ filename, absPath: null, module: null, function: fn, lineNo: 10, inApp: true, ...extra });
const commit = (id: string, timestamp: number, files: [string, string][]): ReleaseCommitWithFiles => ({
  id, repository: "acme/shop", message: `change ${id}`, authorName: id.toUpperCase(), authorEmail: `${id}@example.com`, timestampSec: timestamp, files: files.map(([type, path]) => ({ type, path })),
});

describe("suspect commits: matching crashing frames to the files commits touched", () => {
  it("maps stack paths to repository paths", () => {
    expect(repositoryPathOfFrame(frame("webpack://shop/./src/cart.ts?abc", "f"))).toBe("src/cart.ts");
    expect(repositoryPathOfFrame(frame("app:///src/cart.ts", "f"))).toBe("src/cart.ts");
    expect(repositoryPathOfFrame(frame("/srv/app/node_modules/express/lib/router.js", "f"))).toBeUndefined();
    expect(repositoryPathOfFrame(frame("node:internal/fs", "f"))).toBeUndefined();
    expect(repositoryPathOfFrame(frame("/build/src/cart.ts", "f"), { stackRoot: "/build/", sourceRoot: "packages/web/" })).toBe("packages/web/src/cart.ts");
    expect(repositoryPathOfFrame(frame("InvoiceService.java", "render", { module: "com.acme.billing.InvoiceService" }))).toBe("com/acme/billing/InvoiceService.java");
  });

  it("ranks the crashing frame's file first, then the first release, then newer commits; skips weak and deleted matches", () => {
    const frames = [frame("/srv/app/src/routes/orders.js", "route"), frame("/srv/app/src/cart/total.js", "total")];
    const suspects = findSuspectCommits(frames, [
      { version: "shop@2.0.0", distance: 0, commits: [commit("a", 300, [["M", "src/routes/orders.js"]]), commit("b", 200, [["M", "lib/total.js"]])] },
      { version: "shop@1.9.0", distance: 1, commits: [commit("c", 100, [["M", "src/cart/total.js"]]), commit("d", 150, [["D", "src/cart/total.js"]]), commit("e", 50, [["A", "total.js"]])] },
    ]);
    // b matches only the file name (total.js) under another folder: a lone name matches a top-level file only (e),
    // but the deeper match (c, two segments) beats it; d deleted the file
    expect(suspects.map((s) => [s.commit.id, s.frameDistance, s.releaseDistance])).toEqual([["c", 0, 1], ["a", 1, 0]]);
    expect(suspects[0]!.matches).toEqual([{ path: "src/cart/total.js", frame: frames[1], score: 3 }]);
  });

  it("reaches Explain: a finding with its evidence, and the LLM prompt", () => {
    const facts = rawEventFacts({
      platform: "node",
      exception: { values: [{ type: "TypeError", value: "Cannot read properties of undefined (reading 'price')", stacktrace: { frames: [{ filename: "/srv/app/src/cart/total.js", function: "total", lineno: 10, in_app: true }] } }] },
    }, { firstRelease: "shop@2.0.0" }, [{
      commit: commit("c0ffee1234567", 1_795_000_000, [["M", "src/cart/total.js"]]), release: "shop@2.0.0", releaseDistance: 0, frameDistance: 0,
      matches: [{ path: "src/cart/total.js", frame: frame("/srv/app/src/cart/total.js", "total"), score: 3 }],
      url: "https://github.com/acme/shop/commit/c0ffee1234567", repositoryName: "acme/shop", repositoryUrl: "https://github.com/acme/shop",
    }]);
    const finding = analyseOffline(facts).findings.find((f) => f.kind === "suspect-commit")!;
    expect(finding).toMatchObject({ title: "Suspect commit `c0ffee1`: change c0ffee1234567", confidence: "high" });
    expect(finding.evidence).toBe("commit c0ffee123456 touched `src/cart/total.js`; frame `total` at `/srv/app/src/cart/total.js:10`");
    expect(buildExplainPrompt(facts).user).toContain('- c0ffee123456 "change c0ffee1234567" by C0FFEE1234567 in shop@2.0.0: changed src/cart/total.js (frame total)');
  });
});
