import { afterAll, afterEach, beforeEach } from "vitest";
import { _afterAllTests, _afterEachTest, _beforeEachTest } from "./harness.ts";

// Registered for every test file (vitest setupFiles): servers, child processes and temp dirs close
// even after a failed assertion, and a server's unexpected WARN/ERROR lines fail the test.
beforeEach(_beforeEachTest);
afterEach(_afterEachTest);
afterAll(_afterAllTests);
