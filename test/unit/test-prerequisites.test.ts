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

  it("name what is missing and the one command that installs it, in one line", () => {
    // git and strip are found on PATH: an empty PATH is a machine without them (and without apt-get)
    const res = spawnSync(process.execPath, [SCRIPT, "--check"], { encoding: "utf8", env: { ...process.env, PATH: "/nonexistent" } });
    expect(res.status).toBe(1);
    expect(res.stderr).toBe("Tests need binutils strip (the standalone-binary build), git (sentry-cli set-commits reads a repository); install the Debian packages binutils, git\n");
  });
});
