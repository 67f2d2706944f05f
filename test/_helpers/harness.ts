import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * What every server test shares (registered for each test file by test/_helpers/setup.ts):
 *
 * - Anything a test starts (a server, a child process, a temporary directory) is closed and
 *   removed when that test ends, failed or not; what a `beforeAll` starts, when the file ends.
 * - A test fails when a server logged a WARN or ERROR line during it that the test did not
 *   declare with `expectLog` (must appear during this test) or `tolerateLog` (may appear any time
 *   while the server runs). Lines logged between tests are charged to the next test; lines logged
 *   while the file shuts its servers down fail the file.
 *
 * This module imports no server code: the setup file loads it for every test file.
 */

/** Something to close when its scope (the test, or the file) ends. Closing twice is harmless. */
export interface Tracked {
  close(): Promise<void> | void;
}

/** The WARN/ERROR lines of one server and what the running test declared about them. */
export class ServerLog {
  /** names the server in failure messages */
  readonly name: string;
  /** every WARN or ERROR line the server logged, in order */
  readonly lines: string[] = [];
  private checkedCount = 0;
  private readonly tolerated: RegExp[] = [];
  private expected: { pattern: RegExp; seen: boolean }[] = [];

  constructor(name: string) {
    this.name = name;
    _logs.add(this);
  }

  push(line: string): void {
    this.lines.push(line);
  }

  /** Lines matching `pattern` may appear at any time while this server runs (background work a test provokes on purpose). */
  tolerate(pattern: RegExp): void {
    this.tolerated.push(pattern);
  }

  /** The running test expects a line matching `pattern`: it fails if none is logged before it ends. */
  expect(pattern: RegExp): void {
    if (!_inTest) throw new Error(`expectLog(${pattern}) outside a test: use tolerateLog for lines expected while the server runs`);
    this.expected.push({ pattern, seen: false });
  }

  /** Problems since the last check: unexpected lines, and (at a test's end) expected lines that never came. */
  check(atTestEnd: boolean): string[] {
    const problems: string[] = [];
    for (const line of this.lines.slice(this.checkedCount)) {
      const expectation = this.expected.find((e) => e.pattern.test(line));
      if (expectation) expectation.seen = true;
      else if (!this.tolerated.some((p) => p.test(line))) problems.push(`${this.name} logged: ${line}`);
    }
    this.checkedCount = this.lines.length;
    if (atTestEnd) {
      for (const e of this.expected) if (!e.seen) problems.push(`${this.name} never logged a line matching ${e.pattern}`);
      this.expected = [];
    }
    return problems;
  }
}

/**
 * Registers `resource` to be closed when the running test ends, or when the file ends if no test
 * is running (a `beforeAll`). Returns it, for `const s = track(await startX())`.
 */
export function track<T extends Tracked>(resource: T): T {
  (_inTest ? _testScoped : _fileScoped).push(resource);
  return resource;
}

/** Registers `resource` to be closed when the file ends, even when a test is running (state that outlives the test that made it). */
export function trackForFile<T extends Tracked>(resource: T): T {
  _fileScoped.push(resource);
  return resource;
}

/** A fresh directory under the system temp dir, removed with its scope (see `track`). */
export function tempDir(prefix = "lighttrace-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  track({ close: () => rmSync(dir, { recursive: true, force: true }) });
  return dir;
}

// --- Hooks (called by test/_helpers/setup.ts) ---

export function _beforeEachTest(): void {
  _inTest = true;
}

/** Closes what the test started, then fails the test for undeclared server log lines. */
export async function _afterEachTest(): Promise<void> {
  _inTest = false;
  const closeErrors = await _closeAll(_testScoped.splice(0));
  const problems = [...closeErrors, ..._checkLogs(true)];
  if (problems.length) throw new Error(`server log check failed (test/_helpers/harness.ts):\n${problems.join("\n")}`);
}

/** Closes what the file's hooks started, then fails the file for log lines nobody checked. */
export async function _afterAllTests(): Promise<void> {
  const closeErrors = await _closeAll(_fileScoped.splice(0));
  const problems = [...closeErrors, ..._checkLogs(false)];
  _logs.clear();
  if (problems.length) throw new Error(`after the last test:\n${problems.join("\n")}`);
}

// --- Internal ---

let _inTest = false;
const _testScoped: Tracked[] = [];
const _fileScoped: Tracked[] = [];
const _logs = new Set<ServerLog>();

function _checkLogs(atTestEnd: boolean): string[] {
  return [..._logs].flatMap((log) => log.check(atTestEnd));
}

/** Closes newest first (a server before the directory it lives in); every close runs even if one fails. */
async function _closeAll(resources: Tracked[]): Promise<string[]> {
  const errors: string[] = [];
  for (const r of resources.reverse()) {
    try {
      await r.close();
    } catch (err) {
      errors.push(`closing failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }
  return errors;
}
