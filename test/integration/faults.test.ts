import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../scripts/faults.mjs", import.meta.url));

/**
 * `npm run test:faults` in a bounded form (3 kill -9 rounds, then disk full on a tmpfs when this
 * runs as root): the script drives the built server (dist/) and reports its checks as JSON.
 */
describe("faults (bounded scripts/faults.mjs)", () => {
  it("keeps every acknowledged event exactly once across kill -9, delivers alerts once, survives a full disk", async () => {
    const child = spawn(process.execPath, [SCRIPT, "--rounds", "3", "--senders", "8", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-20_000)));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const line = stdout.trim().split("\n").pop() ?? "";
    let report: { failures: string[]; acknowledged: number; checks: Record<string, { ok: boolean; detail: string }> };
    try {
      report = JSON.parse(line);
    } catch {
      throw new Error(`faults.mjs did not report (exit ${code}):\n${stdout}\n${stderr}`);
    }
    expect(report.failures).toEqual([]);
    expect(code).toBe(0);
    expect(report.acknowledged).toBeGreaterThanOrEqual(90); // each round is killed only after 30 acknowledgements
    for (const name of ["acknowledged events stored", "stored exactly once", "issue counters exact", "integrity_check", "new-issue alerts delivered once"]) {
      expect(report.checks[name]?.ok, name).toBe(true);
    }
  }, 150_000);
});
