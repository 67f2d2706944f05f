import { defineConfig } from "vitest/config";

/** `npm run test:binary`: builds dist/lighttrace and runs it as a user would (test/binary/). */
export default defineConfig({
  test: {
    include: ["test/binary/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-results-binary.json" },
  },
});
