import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SERVER_NODE_ARGS } from "./node-flags.mjs";

/**
 * Starts the built server on a free port for a benchmark and resolves once its start banner is out:
 * the URL, and on an empty data directory the first project's DSN. `start` says how, as a user
 * would: "dist-flags" `node <SERVER_NODE_ARGS> dist/lighttrace.mjs serve`; "dist" the same with no
 * flags; "bin" `node bin/lighttrace.mjs serve`; "npm" the command `npm start` runs after building;
 * "binary" the standalone dist/lighttrace. The returned `server` is the server process itself.
 * `root` is the checkout whose build runs (another version's, to compare with).
 */
export async function startBenchServer(dataDir, extraNodeArgs = [], extraEnv = {}, start = "dist-flags", root = new URL("..", import.meta.url).pathname) {
  const bundle = join(root, "dist/lighttrace.mjs");
  const serveArgs = ["serve", "--port", "0", "--data", dataDir];
  const commands = {
    "dist-flags": () => [process.execPath, [...SERVER_NODE_ARGS, ...extraNodeArgs, bundle, ...serveArgs]],
    dist: () => [process.execPath, [...extraNodeArgs, bundle, ...serveArgs]],
    bin: () => [process.execPath, [...extraNodeArgs, join(root, "bin/lighttrace.mjs"), ...serveArgs]],
    npm: () => {
      const script = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.start.split("&&").at(-1).trim().split(/\s+/);
      if (script[0] !== "node") throw new Error(`npm start no longer runs node last: ${script.join(" ")}`);
      return [process.execPath, [...script.slice(1).map((a) => (a.startsWith("dist/") ? join(root, a) : a)), ...serveArgs.slice(1)]];
    },
    binary: () => [join(root, "dist/lighttrace"), serveArgs],
  };
  if (!commands[start]) throw new Error(`unknown start "${start}" (${Object.keys(commands).join(", ")})`);
  const [file, args] = commands[start]();
  const server = spawn(file, args, {
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
