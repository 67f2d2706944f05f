import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyseRawEvent } from "../_helpers/explain.ts";

/**
 * The labelled Explain corpus (test/fixtures/explain-corpus/*.json): realistic events of several
 * SDKs and error classes, each with the frame a senior engineer would blame and the diagnostic
 * findings that hold (error category, double-submit, race, upstream-failure). The analyser runs on
 * them through the real pipeline; precision and recall over culprits and findings must stay ≥ 0.9.
 */
const CORPUS_DIR = fileURLToPath(new URL("../fixtures/explain-corpus/", import.meta.url));
const DIAGNOSTIC = new Set(["error-class", "double-submit", "race", "upstream-failure"]);
const GOAL = 0.9;

interface CorpusEntry {
  name: string;
  event: Record<string, unknown>;
  expected: { culprit: { filename: string; function: string; lineNo: number } | null; findings: string[] };
}

function loadCorpus(): (CorpusEntry & { file: string })[] {
  const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith(".json")).sort();
  return files.flatMap((file) => (JSON.parse(readFileSync(CORPUS_DIR + file, "utf8")) as CorpusEntry[]).map((e) => ({ ...e, file })));
}

function analyse(raw: Record<string, unknown>) {
  return analyseRawEvent(raw, { platform: String(raw.platform ?? "other") });
}

describe("Explain corpus: precision and recall of the offline analyser", () => {
  const corpus = loadCorpus();

  it("has at least 30 labelled events from several SDKs", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    const sdks = new Set(corpus.map((e) => String((e.event.sdk as { name?: string } | undefined)?.name).split(".").slice(0, 2).join(".")));
    expect(sdks.size).toBeGreaterThanOrEqual(6);
    const categories = new Set(corpus.flatMap((e) => e.expected.findings.filter((f) => f.startsWith("error-class:"))));
    for (const c of ["null-access", "network", "timeout", "type", "value", "database", "out-of-range", "permission"]) expect(categories).toContain(`error-class:${c}`);
  });

  it(`reaches precision and recall of at least ${GOAL} on culprit frames and findings`, () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const culprits = { tp: 0, fp: 0, fn: 0 };
    const misses: string[] = [];
    for (const entry of corpus) {
      const result = analyse(entry.event);
      // every finding says what it rests on and how sure it is
      for (const f of result.findings) {
        expect(f.evidence.length, `${entry.name}: ${f.kind} has no evidence`).toBeGreaterThan(0);
        expect(["high", "medium"]).toContain(f.confidence);
      }
      // culprit: a blamed frame is a prediction; the right frame a hit, no frame where one was expected a miss
      const want = entry.expected.culprit;
      const got = result.culprit;
      const same = want && got && got.filename === want.filename && got.function === want.function && got.lineNo === want.lineNo;
      if (same) culprits.tp++;
      else if (want || got) {
        if (got) culprits.fp++;
        if (want) culprits.fn++;
        misses.push(`${entry.name}: culprit ${JSON.stringify(got)} (expected ${JSON.stringify(want)})`);
      }
      const predicted = new Set(result.findings.filter((f) => DIAGNOSTIC.has(f.kind)).map((f) => (f.kind === "error-class" ? `error-class:${f.category}` : f.kind)));
      const expected = new Set(entry.expected.findings);
      for (const p of predicted) {
        if (expected.has(p)) tp++;
        else {
          fp++;
          misses.push(`${entry.name}: unexpected ${p}`);
        }
      }
      for (const e of expected) {
        if (!predicted.has(e)) {
          fn++;
          misses.push(`${entry.name}: missed ${e}`);
        }
      }
    }
    const precision = (tp + culprits.tp) / (tp + fp + culprits.tp + culprits.fp);
    const recall = (tp + culprits.tp) / (tp + fn + culprits.tp + culprits.fn);
    const findingP = tp / (tp + fp);
    const findingR = tp / (tp + fn);
    const culpritP = culprits.tp / (culprits.tp + culprits.fp);
    const culpritR = culprits.tp / (culprits.tp + culprits.fn);
    process.stdout.write(
      `Explain corpus (${corpus.length} events): precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} ` +
      `[findings P ${findingP.toFixed(3)} R ${findingR.toFixed(3)}; culprits P ${culpritP.toFixed(3)} R ${culpritR.toFixed(3)}]\n` +
      (misses.length ? `  misses:\n${misses.map((m) => `  - ${m}`).join("\n")}\n` : ""),
    );
    expect(precision, misses.join("\n")).toBeGreaterThanOrEqual(GOAL);
    expect(recall, misses.join("\n")).toBeGreaterThanOrEqual(GOAL);
    expect(findingP).toBeGreaterThanOrEqual(GOAL);
    expect(findingR).toBeGreaterThanOrEqual(GOAL);
    expect(culpritP).toBeGreaterThanOrEqual(GOAL);
    expect(culpritR).toBeGreaterThanOrEqual(GOAL);
  });
});
