import { isSea } from "./sea.ts";

/**
 * The V8 flags the server runs with, however it is started: a 4 MB semi-space keeps ingest RSS
 * under 200 MB at full load (V8 otherwise sizes the young generation by the machine's memory, and
 * the same load peaked at 298 MB; with 8 MB, 205–219 MB against 195–198 MB in the same
 * bench:ingest load), for a few percent more GC time on the main thread. `npm start`, the shebang of
 * bin/lighttrace.mjs and the standalone binary pass them; scripts/node-flags.mjs re-exports them.
 */
export const SERVER_V8_FLAGS = ["--max-semi-space-size=4"] as const;

/**
 * Restarts this process in place (`process.execve`: same pid, no parent left behind) with
 * SERVER_V8_FLAGS when it was started without them, as by `node dist/lighttrace.mjs serve`. They
 * cannot take effect later: V8 sizes its heap when it starts. A flag the user set (on the command
 * line or in NODE_OPTIONS) wins; the standalone binary carries them already. Without
 * `process.execve` (Node before 22.15) the server runs as started.
 */
export function restartWithServerFlags(): void {
  if (isSea() || typeof process.execve !== "function" || process.env.LIGHTTRACE_RESTARTED_WITH_FLAGS) return;
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  const missing = SERVER_V8_FLAGS.filter((flag) => !given.some((a) => a.startsWith(flag.split("=")[0]!)));
  if (missing.length === 0) return;
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)],
    { ...process.env, LIGHTTRACE_RESTARTED_WITH_FLAGS: "1" });
}
