import { createHash } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { HTTPError, type H3Event } from "h3";
import type { ApiReleaseFile } from "../contract/index.ts";
import { normalizeDebugId } from "../sourcemaps/debug-id.ts";
import { UPLOAD_LIMITS } from "../sourcemaps/limits.ts";
import type { Project } from "../store/types.ts";
import { param, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { parseMultipart, readBodyCapped } from "./request-body.ts";
import { noteUpload } from "./artifact-uploads.ts";
import { serializeReleaseFile } from "./serialize/uploads.ts";

/**
 * Legacy release files (`sentry-cli releases files … upload`, sentry-cli ≤ 2 and older plugins):
 * one multipart POST per file with `file`, `name` (its URL, e.g. `~/static/app.min.js`), `dist`
 * and repeated `header` = `Key:Value`. Stored as a one-file bundle of the release, so the
 * release + URL lookup finds it like any other; 409 when the release already has that name.
 */
export function mountReleaseFileRoutes(deps: ApiDeps, route: RouteFn): void {
  route("POST", "/api/0/projects/:org/:project/releases/:version/files", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    return upload(event, deps, [project]);
  });
  route("POST", "/api/0/organizations/:org/releases/:version/files", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const release = await deps.store.getRelease(org.id, param(event, "version"));
    if (!release) throw notFound(`release ${param(event, "version")} does not exist`);
    const projects = (await Promise.all(release.projects.map((p) => deps.store.getProject(p.id)))).filter((p): p is Project => !!p);
    return upload(event, deps, projects);
  });
}

// --- Internal ---

async function upload(event: H3Event, deps: ApiDeps, projects: Project[]): Promise<ApiReleaseFile> {
  const org = (await deps.store.getOrganization())!;
  const version = param(event, "version");
  const form = await parseMultipart(event, await readBodyCapped(event, UPLOAD_LIMITS.maxReleaseFileSize + 64 * 1024, "File too large"));
  const file = form.get("file");
  if (!file || typeof file === "string") throw badRequest('missing the "file" part');
  const name = _field(form, "name") ?? file.name;
  if (!name || name.length > 2000) throw badRequest('missing or too long "name": the file\'s URL, e.g. ~/static/app.min.js');
  const dist = _field(form, "dist") || null;
  const headers: Record<string, string> = {};
  for (const h of form.getAll("header")) {
    if (typeof h !== "string") continue;
    const i = h.indexOf(":");
    if (i <= 0) throw badRequest(`header "${h.slice(0, 60)}" must be Key:Value`);
    headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  const data = Buffer.from(await file.arrayBuffer());

  // 1. what the file is: a source map must parse, and may carry its debug id
  const isMap = /\.map$/i.test(name.split("?")[0]!) || /^\s*\{/.test(data.subarray(0, 64).toString("utf8")) && data.includes('"mappings"');
  let debugId = normalizeDebugId(headers["debug-id"]);
  if (isMap) {
    let map: Record<string, unknown>;
    try {
      map = JSON.parse(data.toString("utf8"));
    } catch (err) {
      throw badRequest(`${name} is not a valid source map: ${(err as Error).message}`);
    }
    if (!map || typeof map !== "object" || (typeof map.mappings !== "string" && !Array.isArray(map.sections))) throw badRequest(`${name} is not a source map: no "mappings"`);
    debugId ??= normalizeDebugId(map.debugId ?? map.debug_id);
  } else {
    debugId ??= normalizeDebugId(/\/\/# debugId=([0-9a-fA-F-]{32,36})\s*$/m.exec(data.subarray(-200).toString("utf8"))?.[1]);
  }

  // 2. one file per release, dist and name (Sentry answers 409)
  for (const project of projects) {
    if (await deps.store.findArtifactByUrl(project.id, version, dist, [name])) {
      throw new HTTPError({ status: 409, message: `a file named ${name} already exists for release ${version}${dist ? ` (dist ${dist})` : ""}` });
    }
  }
  const now = deps.clock.now() / 1000;
  const stored = await deps.store.storeArtifactBundle({
    organizationId: org.id, checksum: null, bundleId: null, release: version, dist, projectIds: projects.map((p) => p.id),
    files: [{
      url: name, type: isMap ? "source_map" : /\.(m|c)?js$/i.test(name.split("?")[0]!) ? "minified_source" : "source", debugId,
      sourcemap: headers["sourcemap"] ?? headers["x-sourcemap"] ?? null, size: data.length, stored: deflateRawSync(data), encoding: "deflate-raw",
    }],
    consumedChunks: [], now,
  });
  noteUpload(deps, projects.map((p) => p.id));
  event.res.status = 201;
  return serializeReleaseFile({
    id: stored.id, name, dist, headers, size: data.length, sha1: createHash("sha1").update(data).digest("hex"), createdAtSec: now,
  });
}

function _field(form: FormData, name: string): string | undefined {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
}
