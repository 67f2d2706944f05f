import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const FIXTURES = fileURLToPath(new URL("../fixtures/sdk/", import.meta.url));

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a real SDK script (node or Debian python) with the DSN in the environment, to completion (killed after `timeoutMs`). */
export function runSdkScript(kind: "node" | "python", script: string, env: Record<string, string>, timeoutMs = 20_000): Promise<ChildResult> {
  const command = kind === "node" ? process.execPath : "/usr/bin/python3";
  return new Promise((resolve, reject) => {
    const child = spawn(command, [FIXTURES + script], {
      cwd: FIXTURES,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Polls `check` until it returns a value (the SDK sends asynchronously). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}
