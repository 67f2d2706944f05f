import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../scripts/test-prerequisites.mjs", import.meta.url));

/**
 * `npm test` installs what the tests drive before they run (scripts/test-prerequisites.mjs as its
 * pretest step). Run directly (`npx vitest run …`) on a machine that lacks one, this says which.
 */
describe("test prerequisites", () => {
  it("are all present: chromium, firefox-esr, python3-sentry-sdk, strip, git, PostgreSQL", () => {
    const res = spawnSync(process.execPath, [SCRIPT, "--check"], { encoding: "utf8" });
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
  });
});
