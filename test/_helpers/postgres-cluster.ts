import { execFile } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A private PostgreSQL server: its own data directory, reachable only on a Unix socket in it. */
export interface PostgresCluster {
  /** the directory holding the data directory, the socket and the server log */
  dir: string;
  /** the superuser `initdb` made (no password: trust on the private socket) */
  user: string;
  /** the URL of database `name` on this server (`?host=` names the socket directory) */
  url(name: string): string;
  /** stops the server (fast shutdown) and removes its directory */
  stop(): Promise<void>;
}

/**
 * Where Debian installs the server binaries (`/usr/lib/postgresql/<version>/bin`, newest first),
 * else `pg_config --bindir`, else a directory on PATH with `initdb` (other distributions).
 */
export async function findPostgresBinDir(): Promise<string | undefined> {
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (_hasServer(join(base, v, "bin"))) return join(base, v, "bin");
  }
  try {
    const dir = (await run("pg_config", ["--bindir"])).stdout.trim();
    if (_hasServer(dir)) return dir;
  } catch {
    // no pg_config: look on PATH
  }
  return (process.env.PATH ?? "").split(":").find((dir) => dir && _hasServer(dir));
}

/**
 * Starts a throw-away PostgreSQL server for tests and benchmarks: `initdb` into a fresh directory
 * (as `nobody` through `runuser` when running as root, since initdb refuses root), then
 * `pg_ctl -w start` with no TCP listener (`listen_addresses=''`), the socket in that directory and
 * fsync off (nothing here needs to survive a power cut); `settings` adds `name=value` server settings
 * (a later one wins: a benchmark gives the server more memory). `stop()` undoes all of it.
 */
export async function startPostgresCluster(opts: {
  dir?: string; maxConnections?: number; /** fsync and full-page writes on, as an installation runs (benchmarks) */ durable?: boolean; settings?: string[];
  /** a benchmark's kept data: start the data directory already in `dir` (initdb only when there is none), and `stop()` leaves it */
  keep?: boolean;
} = {}): Promise<PostgresCluster> {
  const binDir = await findPostgresBinDir();
  if (!binDir) {
    throw new Error("PostgreSQL's server binaries (initdb, pg_ctl, postgres) were not found: `npm test` installs Debian's postgresql package first (scripts/test-prerequisites.mjs), or run apt-get install postgresql");
  }
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "lighttrace-pg-"));
  mkdirSync(dir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = await _nobody();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, "data");
  const user = "lighttrace";
  const exec = (cmd: string, args: string[]) =>
    run(asRoot ? "runuser" : join(binDir, cmd), asRoot ? ["-u", "nobody", "--", join(binDir, cmd), ...args] : args, { cwd: dir, maxBuffer: 1 << 20 });
  let started = false;
  try {
    if (!(opts.keep && existsSync(join(data, "PG_VERSION")))) await exec("initdb", ["-D", data, "-U", user, "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8"]);
    const settings = [
      "-c listen_addresses=''", `-k ${dir}`, ...(opts.durable ? [] : ["-c fsync=off", "-c full_page_writes=off"]), `-c max_connections=${opts.maxConnections ?? 200}`,
      `-c shared_buffers=${opts.durable ? "128MB" : "32MB"}`, "-c unix_socket_permissions=0777", ...(opts.settings ?? []).map((setting) => `-c ${setting}`),
    ];
    await exec("pg_ctl", ["-D", data, "-w", "-t", "120", "-l", join(dir, "server.log"), "-o", settings.join(" "), "start"]);
    started = true;
  } catch (err) {
    if (started) await exec("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    const e = err as { stderr?: string; message: string };
    throw new Error(`could not start a test PostgreSQL server: ${(e.stderr || e.message).trim()}`, { cause: err });
  }
  let stopped: Promise<void> | undefined;
  return {
    dir,
    user,
    url: (name) => `postgres://${user}@/${encodeURIComponent(name)}?host=${dir}`,
    stop: () => (stopped ??= (async () => {
      await exec("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]).catch(() =>
        exec("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined));
      if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    })()),
  };
}

// --- Internal ---

function _hasServer(dir: string): boolean {
  return existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")) && existsSync(join(dir, "postgres"));
}

async function _nobody(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run("id", ["-u", "nobody"]), run("id", ["-g", "nobody"])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
