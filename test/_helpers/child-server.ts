import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ServerLog, track } from "./harness.ts";
import { databaseEnvFor } from "./test-backend.ts";

export const BUNDLE = fileURLToPath(new URL("../../dist/lighttrace.mjs", import.meta.url));

export interface ChildServer {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** the WARN/ERROR lines it logged (the harness fails a test on any it did not declare) */
  errors: string[];
  /** the running test expects a WARN/ERROR line matching `pattern`: it fails if none comes before it ends */
  expectLog(pattern: RegExp): void;
  /** lines matching `pattern` may come at any time while this server runs */
  tolerateLog(pattern: RegExp): void;
  /** sends `signal` (SIGTERM by default) and resolves with the exit code; at once if it already exited */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the built `lighttrace serve` as a separate process (so it can be killed) and waits for its
 * URL. The harness kills it when the test (or, started in `beforeAll`, the file) ends, and fails
 * the test on a WARN/ERROR line it did not declare (test/_helpers/harness.ts).
 */
export async function startChildServer(dataDir: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<ChildServer> {
  // LIGHTTRACE_TEST_BACKEND=postgres: the directory's own database (test/_helpers/test-backend.ts)
  const database = extraArgs.includes("--database") ? {} : await databaseEnvFor(dataDir);
  const child = spawn(process.execPath, [BUNDLE, "serve", "--port", "0", "--data", dataDir, ...extraArgs], {
    env: { ...process.env, ...database, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = new ServerLog(`lighttrace serve --data ${dataDir} (pid ${child.pid})`);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  track({ close: () => stop("SIGKILL").then(() => undefined) });
  let out = "";
  let partial = "";
  const onOutput = (d: Buffer) => {
    out += d;
    // logger lines: "<ISO time> WARN  message …" / "<ISO time> ERROR message …"
    const lines = (partial + d).split("\n");
    partial = lines.pop()!;
    for (const line of lines) if (/^\S+ (WARN |ERROR) /.test(line)) log.push(line);
  };
  child.stdout!.on("data", onOutput);
  child.stderr!.on("data", onOutput);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start:\n" + out)), 15_000);
    const onData = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve({
          child, url: m[1]!, output: () => out, errors: log.lines, stop,
          expectLog: (pattern) => log.expect(pattern), tolerateLog: (pattern) => log.tolerate(pattern),
        });
      }
    };
    child.stdout!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

/** Runs a `lighttrace` CLI command to completion (on the database of its `--data` directory with LIGHTTRACE_TEST_BACKEND=postgres). */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dataAt = args.indexOf("--data");
  const database = dataAt >= 0 && !args.includes("--database") ? await databaseEnvFor(args[dataAt + 1]) : {};
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: { ...process.env, ...database, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
