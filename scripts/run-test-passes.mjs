// `npm test`'s three vitest passes, each run even when an earlier one failed (so one flaky test does
// not hide the others' results): everything on SQLite, the integration suites again on a private
// PostgreSQL, then the standalone binary. Exits non-zero when any pass failed.
import { spawnSync } from "node:child_process";

const passes = [
  { name: "all tests (SQLite)", args: ["run"], env: {} },
  { name: "integration suites on PostgreSQL", args: ["run", "test/integration", "--outputFile.json=.vitest-results-postgres.json"], env: { LIGHTTRACE_TEST_BACKEND: "postgres" } },
  { name: "standalone binary", args: ["run", "--config", "vitest.binary.config.ts"], env: {} },
];

let failed = 0;
for (const pass of passes) {
  console.log(`\n=== vitest: ${pass.name} ===`);
  const result = spawnSync("vitest", pass.args, { stdio: "inherit", env: { ...process.env, ...pass.env } });
  if (result.status !== 0) failed++;
}
if (failed) console.log(`\n${failed} of ${passes.length} test passes failed`);
process.exit(failed ? 1 : 0);
