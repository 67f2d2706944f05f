// Measures dist/lighttrace against the targets: size (and xz -9 size), time from process
// start to /health answering 200, and idle RSS. Every start runs with no `node` on PATH and a
// throwaway HOME; the first start extracts the SQLite addon and creates the database, the others
// are restarts of the same data directory (the common case).
// The binary is first copied into a temp directory and run from there, as after a download.
// Usage: node scripts/measure-binary.mjs [--binary dist/lighttrace] [--runs 10] [--no-xz] [--json]
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { xzSize } from "./xz-size.mjs";

const TARGETS = { sizeMiB: 120, startMs: 300, idleRssMiB: 80 };
const IDLE_SETTLE_MS = 3000;

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const source = resolve(flag("--binary", "dist/lighttrace"));
const runs = Number(flag("--runs", "10"));
const dir = mkdtempSync(join(tmpdir(), "lighttrace-measure-"));
const binary = join(dir, "lighttrace");
copyFileSync(source, binary);
const env = { PATH: "/nonexistent", HOME: join(dir, "home") };

try {
  const size = statSync(binary).size;
  const xz = args.includes("--no-xz") ? undefined : await xzSize(binary);

  const first = await start();
  await first.stop();
  const restarts = [];
  const cpu = [];
  let idle;
  for (let i = 0; i < runs; i++) {
    const s = await start();
    restarts.push(s.ms);
    cpu.push(s.cpuMs);
    if (i === runs - 1) {
      await sleep(IDLE_SETTLE_MS);
      idle = { rss: vmKiB(s.pid, "VmRSS"), anon: vmKiB(s.pid, "RssAnon"), file: vmKiB(s.pid, "RssFile") };
    }
    await s.stop();
  }
  const sorted = [...restarts].sort((a, b) => a - b);
  const result = {
    binary: source,
    sizeMiB: round(size / 2 ** 20),
    xzMiB: xz === undefined ? null : round(xz / 2 ** 20),
    firstStartMs: round(first.ms),
    startMsMedian: round(median(sorted)),
    startMsMin: round(sorted[0]),
    startMsMax: round(sorted.at(-1)),
    runs,
    cpuMsToHealthMedian: median([...cpu].sort((a, b) => a - b)),
    idleRssMiB: round(idle.rss / 1024),
    idleRssAnonMiB: round(idle.anon / 1024),
    idleRssFileMiB: round(idle.file / 1024),
    loadAverage: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
  };
  if (args.includes("--json")) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const mark = (ok) => (ok ? "ok" : "OVER TARGET");
    console.log(`binary           ${source} (run from a copy in ${tmpdir()}; load average ${result.loadAverage})`);
    console.log(`size             ${result.sizeMiB} MiB (target < ${TARGETS.sizeMiB}: ${mark(result.sizeMiB < TARGETS.sizeMiB)})` +
      (xz === undefined ? "" : `; xz -9: ${result.xzMiB} MiB`));
    console.log(`first start      ${result.firstStartMs} ms to /health (extracts the addon, creates the database)`);
    console.log(`start → /health  median ${result.startMsMedian} ms over ${runs} restarts (min ${result.startMsMin}, max ${result.startMsMax}; ` +
      `target < ${TARGETS.startMs}: ${mark(result.startMsMedian < TARGETS.startMs)})`);
    console.log(`CPU to /health   median ${result.cpuMsToHealthMedian} ms user+sys (all threads; independent of other load, 10 ms ticks)`);
    console.log(`idle RSS         ${result.idleRssMiB} MiB (anon ${result.idleRssAnonMiB}, file-backed ${result.idleRssFileMiB}), ` +
      `${IDLE_SETTLE_MS / 1000} s after start (target < ${TARGETS.idleRssMiB}: ${mark(result.idleRssMiB < TARGETS.idleRssMiB)})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// --- Internal ---

/** Spawns `serve` on a free port and resolves once /health answers 200, with the elapsed time. */
async function start() {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(binary, ["serve", "--port", String(port), "--data", join(dir, "data")], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((r) => child.once("exit", r));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`lighttrace exited with ${child.exitCode}: ${stderr}`);
    if ((await healthStatus(port)) === 200) break;
    if (performance.now() - t0 > 10_000) throw new Error(`no /health after 10 s: ${stderr}`);
    await sleep(2);
  }
  const ms = performance.now() - t0;
  return {
    ms,
    cpuMs: cpuMsOf(child.pid),
    pid: child.pid,
    stop: async () => {
      child.kill("SIGTERM");
      const code = await exited;
      if (code !== 0) throw new Error(`lighttrace exited with ${code} on SIGTERM: ${stderr}`);
    },
  };
}

function healthStatus(port) {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/health", agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(0));
    req.end();
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

function vmKiB(pid, field) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(field + ":"));
  return Number(/(\d+)/.exec(line)[1]);
}

/** user+sys CPU time of a process so far, in ms (/proc/<pid>/stat fields 14 and 15, in clock ticks). */
function cpuMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // fields after "(comm) state": utime is the 12th; USER_HZ = 100
}

function median(sorted) {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(n) {
  return Math.round(n * 10) / 10;
}
