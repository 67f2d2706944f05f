import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const SENTRY_CLI = fileURLToPath(new URL("../../node_modules/.bin/sentry-cli", import.meta.url));

/**
 * Runs the real sentry-cli (npm @sentry/cli's Linux binary) against a test server: SENTRY_URL and a
 * real API token, no update checks, nothing read from the user's ~/.sentryclirc.
 */
export function runSentryCli(args: string[], opts: { url: string; token: string; cwd?: string; env?: Record<string, string> }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SENTRY_CLI, args, {
      cwd: opts.cwd ?? process.cwd(),
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: "/nonexistent-home",
        SENTRY_URL: opts.url,
        SENTRY_AUTH_TOKEN: opts.token,
        SENTRY_DISABLE_UPDATE_CHECK: "1",
        SENTRY_LOG_LEVEL: "warn",
        ...opts.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
