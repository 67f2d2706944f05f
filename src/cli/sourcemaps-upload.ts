import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { buildArtifactBundle, type BundleInputFile } from "../sourcemaps/bundle-writer.ts";
import { normalizeDebugId } from "../sourcemaps/debug-id.ts";
import { findSourceMappingUrl, resolveRelativeUrl } from "../sourcemaps/urls.ts";
import { fail } from "./output.ts";

const flagsSchema = z.object({
  release: z.string().trim().min(1, "is required").max(200).refine((v) => !/[\r\n\t/\\]/.test(v), "cannot contain slashes, tabs or newlines"),
  project: z.string().min(1).max(100).optional(),
  org: z.string().min(1).max(100).optional(),
  dist: z.string().min(1).max(64).optional(),
  urlPrefix: z.string().max(500).default("~/"),
  url: z.url({ protocol: /^https?$/ }).optional(),
  authToken: z.string().min(1).optional(),
});

/**
 * `lighttrace sourcemaps upload <dir> --release <r>`: for users without sentry-cli. Pairs each
 * minified file with its source map (sourceMappingURL, else `<file>.map`), keeps debug ids that
 * `sentry-cli sourcemaps inject` or a bundler plugin wrote, and uploads one artifact bundle
 * through the same chunk-upload API sentry-cli uses, with progress on stderr and a summary.
 */
export async function runSourcemapsUpload(dir: string, rawFlags: unknown): Promise<void> {
  const parsed = flagsSchema.safeParse(rawFlags);
  if (!parsed.success) fail(`invalid --${_kebab(String(parsed.error.issues[0]!.path[0]))}: ${parsed.error.issues[0]!.message}`);
  const flags = parsed.data;
  const token = flags.authToken ?? process.env.LIGHTTRACE_AUTH_TOKEN ?? process.env.SENTRY_AUTH_TOKEN;
  if (!token) fail("no API token: pass --auth-token or set LIGHTTRACE_AUTH_TOKEN (create one with `lighttrace tokens create`)");
  const fromToken = _tokenPayload(token);
  const base = (flags.url ?? process.env.LIGHTTRACE_URL ?? process.env.SENTRY_URL ?? fromToken?.url ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
  const api = _client(base, token);

  // 1. the files and their pairs
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    fail(`${dir} does not exist`);
  }
  if (!stat.isDirectory()) fail(`${dir} is not a directory`);
  const scan = scanBuildDirectory(dir, flags.urlPrefix);
  if (scan.problems.length) fail(scan.problems.join("\n       "));
  if (scan.files.length === 0) fail(`no .js or .map files under ${dir}`);

  // 2. where to: organization and project
  const org = flags.org ?? fromToken?.org ?? (await api.get<{ slug: string }[]>("/api/0/organizations/"))[0]?.slug;
  if (!org) fail("the server has no organization");
  let project = flags.project ?? process.env.LIGHTTRACE_PROJECT ?? process.env.SENTRY_PROJECT;
  if (!project) {
    const projects = await api.get<{ slug: string }[]>(`/api/0/organizations/${encodeURIComponent(org)}/projects/`);
    if (projects.length !== 1) fail(`name the project with --project (this server has ${projects.length}: ${projects.map((p) => p.slug).join(", ")})`);
    project = projects[0]!.slug;
  }

  // 3. one bundle, in chunks the server accepts; only the missing ones are sent
  const bundle = buildArtifactBundle({ files: scan.files, bundleId: randomUUID(), org, project, release: flags.release, ...(flags.dist ? { dist: flags.dist } : {}) });
  const options = await api.get<ChunkOptions>(`/api/0/organizations/${encodeURIComponent(org)}/chunk-upload/`);
  if (bundle.length > options.maxFileSize) fail(`the bundle is ${bundle.length} bytes; the server accepts at most ${options.maxFileSize}`);
  const chunks: { checksum: string; data: Buffer }[] = [];
  for (let at = 0; at < bundle.length; at += options.chunkSize) {
    const data = bundle.subarray(at, at + options.chunkSize);
    chunks.push({ checksum: _sha1(data), data });
  }
  const request = { checksum: _sha1(bundle), chunks: chunks.map((c) => c.checksum), projects: [project], version: flags.release, ...(flags.dist ? { dist: flags.dist } : {}) };
  const assemblePath = `/api/0/organizations/${encodeURIComponent(org)}/artifactbundle/assemble/`;
  let state = await api.post<AssembleResponse>(assemblePath, request);
  const missing = new Set(state.missingChunks);
  const toSend = chunks.filter((c) => missing.has(c.checksum));
  const gzip = options.compression?.includes("gzip") ?? false;
  let sent = 0;
  for (const batch of _batches(toSend, options.chunksPerRequest, options.maxRequestSize)) {
    const form = new FormData();
    for (const c of batch) form.append(gzip ? "file_gzip" : "file", new Blob([new Uint8Array(gzip ? gzipSync(c.data) : c.data)]), c.checksum);
    await api.postForm(options.url, form);
    sent += batch.length;
    _progress(`Uploading chunks: ${sent}/${toSend.length} (${_bytes(batch.reduce((n, c) => n + c.data.length, 0))} in the last request)`);
  }
  if (process.stderr.isTTY && sent) process.stderr.write("\n");
  const deadline = Date.now() + Math.min(options.maxWait ?? 300, 300) * 1000;
  for (;;) {
    state = await api.post<AssembleResponse>(assemblePath, request);
    if (state.state === "ok" || state.state === "error") break;
    if (Date.now() > deadline) fail(`the server is still assembling the bundle (${state.state}); try again later`);
    _progress(`Waiting for the server to process the bundle (${state.state})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (state.state === "error") fail(`the server refused the bundle: ${state.detail ?? "no reason given"}`);

  // 4. the summary
  const lines = [
    `Uploaded ${scan.files.length} files (${_bytes(bundle.length)}, ${chunks.length} chunk${chunks.length === 1 ? "" : "s"}, ${toSend.length} sent) to ${base} for release ${flags.release}${flags.dist ? ` (dist ${flags.dist})` : ""}, project ${project}.`,
    `Matched ${scan.pairs.length} minified file${scan.pairs.length === 1 ? "" : "s"} with a source map:`,
    ...scan.pairs.map((p) => `  ${p.minified}  →  ${p.map}${p.debugId ? `  (debug id ${p.debugId})` : ""}`),
  ];
  if (scan.unmatched.length) lines.push(`Without a source map (uploaded, not symbolicated): ${scan.unmatched.join(", ")}`);
  process.stdout.write(lines.join("\n") + "\n");
}

export interface ScanResult {
  files: BundleInputFile[];
  pairs: { minified: string; map: string; debugId: string | null }[];
  unmatched: string[];
  problems: string[];
}

/** The build output under `dir`: minified files paired with their maps, as bundle files with URLs under `urlPrefix`. */
export function scanBuildDirectory(dir: string, urlPrefix: string): ScanResult {
  const prefix = urlPrefix.endsWith("/") ? urlPrefix : urlPrefix + "/";
  const paths = _walk(dir).map((abs) => relative(dir, abs).split(sep).join("/"));
  const maps = new Map<string, { content: Buffer; debugId: string | null }>();
  const problems: string[] = [];
  for (const p of paths.filter((p) => p.endsWith(".map"))) {
    const content = readFileSync(join(dir, p));
    try {
      const json = JSON.parse(content.toString("utf8"));
      if (typeof json?.mappings !== "string" && !Array.isArray(json?.sections)) throw new Error('no "mappings"');
      maps.set(p, { content, debugId: normalizeDebugId(json.debugId ?? json.debug_id) });
    } catch (err) {
      problems.push(`${p} is not a valid source map: ${(err as Error).message}`);
    }
  }
  const files: BundleInputFile[] = [];
  const pairs: ScanResult["pairs"] = [];
  const unmatched: string[] = [];
  const used = new Set<string>();
  for (const p of paths.filter((p) => /\.(m|c)?js$/.test(p))) {
    const content = readFileSync(join(dir, p));
    const text = content.toString("utf8");
    const ref = findSourceMappingUrl(text);
    const mapPath = ref && !ref.startsWith("data:") ? resolveRelativeUrl("~/" + p, ref).replace(/^~\//, "") : `${p}.map`;
    const map = maps.get(mapPath);
    const debugId = normalizeDebugId(/\/\/# debugId=([0-9a-fA-F-]{32,36})/.exec(text.slice(-300))?.[1]) ?? map?.debugId ?? null;
    const headers: Record<string, string> = {};
    if (debugId) headers["debug-id"] = debugId;
    if (map) {
      headers["sourcemap"] = mapPath.split("/").pop()!;
      pairs.push({ minified: p, map: mapPath, debugId });
      used.add(mapPath);
    } else if (!ref?.startsWith("data:")) {
      unmatched.push(p);
    }
    files.push({ url: prefix + p, type: "minified_source", content, headers });
  }
  for (const [p, map] of maps) {
    // a map's debug id is the minified file's (sentry-cli inject writes both)
    const pair = pairs.find((x) => x.map === p);
    const debugId = map.debugId ?? pair?.debugId ?? null;
    files.push({ url: prefix + p, type: "source_map", content: map.content, headers: debugId ? { "debug-id": debugId } : {} });
  }
  return { files, pairs, unmatched, problems };
}

// --- Internal ---

interface ChunkOptions { url: string; chunkSize: number; chunksPerRequest: number; maxRequestSize: number; maxFileSize: number; compression?: string[]; maxWait?: number }
interface AssembleResponse { state: string; missingChunks: string[]; detail?: string | null }

const MAX_FILES = 10_000;

function _walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) _walk(abs, out);
    else if (entry.isFile() && /\.((m|c)?js|map)$/.test(entry.name)) out.push(abs);
    if (out.length > MAX_FILES) fail(`more than ${MAX_FILES} files under ${dir}; point at the build output directory`);
  }
  return out;
}

function _client(base: string, token: string) {
  const request = async <T>(method: string, url: string, body?: BodyInit, headers: Record<string, string> = {}): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(url.startsWith("http") ? url : base + url, { method, body: body ?? null, headers: { Authorization: `Bearer ${token}`, ...headers }, redirect: "error" });
    } catch (err) {
      fail(`cannot reach ${base}: ${(err as Error).cause ? String(((err as Error).cause as Error).message) : (err as Error).message}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      fail(`${method} ${url}: the server answered ${res.status} with something that is not JSON`);
    }
    if (!res.ok) fail(`${method} ${url.replace(base, "")}: ${res.status} ${(json as { detail?: string; error?: string }).detail ?? (json as { error?: string }).error ?? ""}`.trim());
    return json as T;
  };
  return {
    get: <T>(path: string) => request<T>("GET", path),
    post: <T>(path: string, body: unknown) => request<T>("POST", path, JSON.stringify(body), { "Content-Type": "application/json" }),
    postForm: (url: string, form: FormData) => request<unknown>("POST", url, form),
  };
}

/** The URL and organization inside a `sntrys_` token (as sentry-cli reads them). */
function _tokenPayload(token: string): { url?: string; org?: string } | undefined {
  const m = /^sntrys_([A-Za-z0-9+/=]+)_/.exec(token);
  if (!m) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(m[1]!, "base64").toString("utf8"));
    return { ...(typeof payload.url === "string" ? { url: payload.url } : {}), ...(typeof payload.org === "string" ? { org: payload.org } : {}) };
  } catch {
    return undefined;
  }
}

function* _batches<T extends { data: Buffer }>(items: T[], maxCount: number, maxBytes: number): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (batch.length && (batch.length >= maxCount || bytes + item.data.length > maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += item.data.length;
  }
  if (batch.length) yield batch;
}

function _progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
  else process.stderr.write(line + "\n");
}

function _sha1(data: Buffer): string {
  return createHash("sha1").update(data).digest("hex");
}

function _bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function _kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}
