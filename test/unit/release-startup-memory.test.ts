import { describe, expect, it } from "vitest";
import { runInNewContext } from "node:vm";
import { Worker } from "node:worker_threads";
import { releaseStartupMemory } from "../../src/runtime/release-startup-memory.ts";

describe("releaseStartupMemory", () => {
  it("runs one full GC and leaves no gc global behind for later contexts or worker threads", async () => {
    const hadGc = typeof (globalThis as { gc?: unknown }).gc === "function";
    const pauseMs = releaseStartupMemory();
    expect(pauseMs).toBeTypeOf("number");
    expect(pauseMs).toBeGreaterThanOrEqual(0);
    if (!hadGc) {
      expect(typeof (globalThis as { gc?: unknown }).gc).toBe("undefined");
      expect(runInNewContext("typeof gc")).toBe("undefined");
      const worker = new Worker("require('node:worker_threads').parentPort.postMessage(typeof gc)", { eval: true });
      const seen = await new Promise((resolve, reject) => worker.once("message", resolve).once("error", reject));
      await worker.terminate();
      expect(seen).toBe("undefined");
    }
  });
});
