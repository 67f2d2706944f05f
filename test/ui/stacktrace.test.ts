import { describe, expect, it } from "vitest";
import type { ApiFrame } from "../../src/contract/index.ts";
import { crashFrameIndex, foldFrames, frameLocation } from "../../ui/lib/stacktrace.ts";

const frame = (fn: string, inApp: boolean, extra: Partial<ApiFrame> = {}): ApiFrame => ({
  filename: `${fn}.js`, absPath: null, module: null, package: null, platform: null, function: fn, rawFunction: null, lineNo: 10, colNo: 5,
  context: [], inApp, vars: null, trust: null, instructionAddr: null, data: null, sourceLink: null, errors: null, ...extra,
});

/** Sentry order: oldest call first, the crashing frame last. */
const FRAMES = [
  frame("node:internal/main", false),
  frame("node:internal/run", false),
  frame("handler", true),
  frame("express.route", false),
  frame("express.next", false),
  frame("express.layer", false),
  frame("chargeCard", true),
  frame("lodash.get", false),
];

const shape = (blocks: ReturnType<typeof foldFrames>) =>
  blocks.map((b) => (b.kind === "frame" ? `${b.frame.function}${b.isCrashFrame ? "*" : ""}` : `[${b.frames.map((f) => f.frame.function).join(",")}]`));

describe("foldFrames", () => {
  it("shows the most recent call first, folds library runs, keeps the crash frame open", () => {
    // the last in-app frame is the crash frame; the single library frame above it is not worth a toggle
    expect(shape(foldFrames(FRAMES))).toEqual([
      "lodash.get", "chargeCard*", "[express.layer,express.next,express.route]", "handler", "[node:internal/run,node:internal/main]",
    ]);
  });

  it("unfolds everything on request", () => {
    expect(shape(foldFrames(FRAMES, { showAll: true }))).toEqual([
      "lodash.get", "chargeCard*", "express.layer", "express.next", "express.route", "handler", "node:internal/run", "node:internal/main",
    ]);
  });

  it("folds nothing when no frame is in-app (folding would hide the whole trace)", () => {
    const lib = [frame("a", false), frame("b", false), frame("c", false)];
    expect(shape(foldFrames(lib))).toEqual(["c*", "b", "a"]);
    expect(crashFrameIndex(lib)).toBe(2);
  });

  it("takes the last in-app frame as the crash frame", () => {
    expect(crashFrameIndex(FRAMES)).toBe(6);
    expect(crashFrameIndex([])).toBe(-1);
  });
});

describe("frameLocation", () => {
  it("names file, line and column, falling back to module or address", () => {
    expect(frameLocation(frame("f", true, { filename: "src/app.ts", lineNo: 42, colNo: 7 }))).toBe("src/app.ts:42:7");
    expect(frameLocation(frame("f", true, { filename: "app.py", colNo: null }))).toBe("app.py:10");
    expect(frameLocation(frame("f", true, { filename: null, module: "billing.charge", lineNo: null }))).toBe("billing.charge");
    expect(frameLocation(frame("f", false, { filename: null, lineNo: null, instructionAddr: "0x1f00" }))).toBe("0x1f00");
  });
});
