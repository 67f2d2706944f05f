import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BUNDLE = fileURLToPath(new URL("../../dist/lighttrace.mjs", import.meta.url));

export interface ChildServer {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the built `lighttrace serve` as a separate process (so it can be killed) and waits for its URL. */
export function startChildServer(dataDir: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [BUNDLE, "serve", "--port", "0", "--data", dataDir, ...extraArgs], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start:\n" + out)), 15_000);
    const onData = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

/** Runs a `lighttrace` CLI command to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
