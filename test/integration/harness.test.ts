import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../_helpers/harness.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/**
 * The shared server harness (test/_helpers/harness.ts) is what makes server tests able to fail:
 * this runs its fixture tests in a separate vitest and checks each one's outcome.
 */
describe("the server test harness", () => {
  it("fails a test on an undeclared server ERROR or a declared one that never came, and always closes the server and its directory", () => {
    const dir = tempDir("lighttrace-harness-");
    const reportFile = join(dir, "data-dirs.json");
    const resultsFile = join(dir, "results.json");
    const run = spawnSync(process.execPath, [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--config", "test/fixtures/harness/vitest.config.ts", "--outputFile", resultsFile], {
      cwd: ROOT, env: { ...process.env, HARNESS_REPORT: reportFile, LIGHTTRACE_TEST_BACKEND: "" } /* the fixtures test the harness, on SQLite (their config starts no PostgreSQL) */, encoding: "utf8", timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(1); // some fixture tests must fail
    const results = JSON.parse(readFileSync(resultsFile, "utf8"));
    const outcomes = Object.fromEntries(results.testResults[0].assertionResults.map((a: any) => [a.title, { status: a.status, message: a.failureMessages.join("\n") }]));
    expect(outcomes["fails the test when the server logs an ERROR the test did not declare"]).toEqual({
      status: "failed", message: expect.stringMatching(/logged: \S+ ERROR alert rules failed on an event \(the event is stored\)/),
    });
    expect(outcomes["passes when the test declared the line"]).toEqual({ status: "passed", message: "" });
    expect(outcomes["fails when a declared line never comes"]).toEqual({
      status: "failed", message: expect.stringContaining("never logged a line matching /alert rules failed on an event/"),
    });
    expect(outcomes["is closed and its directory removed after a failed assertion"]).toEqual({ status: "failed", message: expect.stringContaining("expected 1 to be 2") });
    expect(outcomes["charges an undeclared line to the test during which it came"]).toEqual({ status: "failed", message: expect.stringContaining("alert rules failed on an event") });
    expect(outcomes["does not charge it to the next test"]).toEqual({ status: "passed", message: "" });
    const dataDirs: string[] = JSON.parse(readFileSync(reportFile, "utf8"));
    expect(dataDirs).toHaveLength(5);
    expect(dataDirs.filter((d) => existsSync(d))).toEqual([]);
  }, 150_000);
});
