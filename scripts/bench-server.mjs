import { spawn, spawnSync } from "node:child_process";
import { SERVER_NODE_ARGS } from "./node-flags.mjs";

/**
 * Starts the built server (dist/lighttrace.mjs serve) on a free port for a benchmark and resolves
 * once its start banner is out: the URL, and on an empty data directory the first project's DSN.
 */
export async function startBenchServer(dataDir, extraNodeArgs = [], extraEnv = {}) {
  const bundle = new URL("../dist/lighttrace.mjs", import.meta.url).pathname;
  const server = spawn(process.execPath, [...SERVER_NODE_ARGS, ...extraNodeArgs, bundle, "serve", "--port", "0", "--data", dataDir], {
    // No retention cap by default: the benchmarks count what they stored (bench:soak turns it on).
    env: { ...process.env, LIGHTTRACE_LOG_LEVEL: "warn", LIGHTTRACE_MAX_STORED_EVENTS: "0", ...extraEnv },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const banner = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    server.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
    server.stdout.on("data", (d) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      // the banner is written in one piece, so the DSN line (if any) arrives with the URL
      if (url) {
        clearTimeout(timer);
        resolve({ url, dsn: /\n\s+(http:\/\/\S+@\S+)/.exec(out)?.[1] });
      }
    });
  });
  return { server, ...banner };
}

/** Runs a `lighttrace` CLI command on a benchmark's data directory and returns its `--json` output. */
export function benchCli(dataDir, ...args) {
  const bundle = new URL("../dist/lighttrace.mjs", import.meta.url).pathname;
  const r = spawnSync(process.execPath, [bundle, ...args, "--data", dataDir, "--json"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`lighttrace ${args.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
