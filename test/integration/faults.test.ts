import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../scripts/faults.mjs", import.meta.url));

interface FaultsReport {
  failures: string[];
  skipped: string[];
  acknowledged: number;
  checks: Record<string, { ok: boolean | null; skipped?: boolean; detail: string }>;
}

/**
 * `npm run test:faults` in a bounded form (3 kill -9 rounds, then disk full on a tmpfs when this
 * runs as root): the script drives the built server (dist/) and reports its checks as JSON.
 */
describe("faults (bounded scripts/faults.mjs)", () => {
  let report: FaultsReport;
  let exitCode: number | null;
  beforeAll(async () => {
    const child = spawn(process.execPath, [SCRIPT, "--rounds", "3", "--senders", "8", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-20_000)));
    exitCode = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const line = stdout.trim().split("\n").pop() ?? "";
    try {
      report = JSON.parse(line);
    } catch {
      throw new Error(`faults.mjs did not report (exit ${exitCode}):\n${stdout}\n${stderr}`);
    }
  }, 150_000);

  it("keeps every acknowledged event exactly once across kill -9 and delivers alerts once", () => {
    expect(report.failures).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.acknowledged).toBeGreaterThanOrEqual(90); // each round is killed only after 30 acknowledgements
    for (const name of ["acknowledged events stored", "stored exactly once", "issue counters exact", "integrity_check", "new-issue alerts delivered once"]) {
      expect(report.checks[name]?.ok, name).toBe(true);
    }
  });

  it("answers a full disk 503 + Retry-After, loses nothing acknowledged and recovers", (ctx) => {
    // mounting the tmpfs needs root: the script says so, and so does this test (skipped, never passed)
    const diskFull = report.checks["disk full"];
    if (diskFull?.skipped) ctx.skip(`disk full not checked: ${diskFull.detail}`);
    for (const name of ["disk full → 503 + Retry-After", "disk full: nothing acknowledged lost", "disk full: recovers when space returns", "disk full: integrity_check"]) {
      expect(report.checks[name]?.ok, name).toBe(true);
    }
  });
});
