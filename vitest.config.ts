import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // test/binary builds and runs dist/lighttrace: `npm run test:binary` (vitest.binary.config.ts)
    exclude: [...configDefaults.exclude, "test/binary/**"],
    // a private PostgreSQL, started when a test first asks for a database (test/_helpers/postgres.ts)
    globalSetup: ["test/_helpers/postgres.ts"],
    // servers and temp dirs close after every test, failed or not; undeclared server WARN/ERROR lines fail it
    setupFiles: ["test/_helpers/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // two cores on CI: more workers only make the real-server tests fight for CPU
    maxWorkers: 2,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-results.json" },
  },
});
