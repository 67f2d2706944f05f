// `npm test`'s pretest step: the tests drive real programs installed from Debian, so a fresh
// machine must get them before the first test runs. Installs whatever is missing with apt-get when
// it can (root), otherwise stops with one line naming the exact command to run. Never lets a test
// skip for want of a tool.
//   --check   only report (exit 1 when something is missing); install nothing
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** What the tests need, how to tell it is there, and the Debian package that brings it. */
export const PREREQUISITES = [
  { what: "Chromium (UI tests)", pkg: "chromium", present: () => existsSync("/usr/bin/chromium") },
  { what: "Firefox ESR (UI tests)", pkg: "firefox-esr", present: () => existsSync("/usr/bin/firefox-esr") },
  {
    what: "Python's sentry_sdk for /usr/bin/python3 (the Python SDK test)",
    pkg: "python3-sentry-sdk",
    present: () => spawnSync("/usr/bin/python3", ["-c", "import sentry_sdk"], { stdio: "ignore" }).status === 0,
  },
  { what: "binutils strip (the standalone-binary build)", pkg: "binutils", present: () => _onPath("strip") },
  { what: "git (sentry-cli set-commits reads a repository)", pkg: "git", present: () => _onPath("git") },
  { what: "PostgreSQL server binaries (initdb, postgres)", pkg: "postgresql", present: () => findPostgresBinDir() !== undefined },
];

/** The newest /usr/lib/postgresql/<version>/bin holding initdb and postgres, as Debian installs them. */
export function findPostgresBinDir() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(base, v, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "postgres"))) return bin;
  }
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

// --- Internal ---

function main() {
  const checkOnly = process.argv.includes("--check");
  let missing = PREREQUISITES.filter((p) => !p.present());
  if (missing.length === 0) return;
  const packages = missing.map((p) => p.pkg);
  const command = `apt-get update && apt-get install -y ${packages.join(" ")}`;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (checkOnly || !isRoot || !_onPath("apt-get")) {
    const how = _onPath("apt-get") ? `run: sudo sh -c '${command}'` : `install the Debian packages ${packages.join(", ")}`;
    console.error(`Tests need ${missing.map((p) => p.what).join(", ")}; ${how}`);
    process.exit(1);
  }
  console.log(`Installing what the tests need: ${packages.join(" ")} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: "inherit", env });
  } catch {
    console.error(`Installing the test prerequisites failed; run: ${command}`);
    process.exit(1);
  }
  missing = missing.filter((p) => !p.present());
  if (missing.length) {
    console.error(`Still missing after apt-get: ${missing.map((p) => p.what).join(", ")}; run: ${command}`);
    process.exit(1);
  }
}

function _onPath(name) {
  return (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(join(dir, name)));
}
