import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the web UI's built files come from. The only module that knows where they live on disk;
 * a packaged binary plugs in its embedded files with `setEmbeddedUiAssets` instead.
 */
export interface AssetSource {
  /** Contents of a file by its path inside the UI build (`index.html`, `assets/app-1a2b.js`); undefined when absent. */
  read(path: string): Buffer | undefined;
  /** Where the files come from, for the startup log ("dist/ui", "embedded"). */
  readonly description: string;
}

let embedded: AssetSource | undefined;

/** Called once by the binary's entry point before the server starts. */
export function setEmbeddedUiAssets(source: AssetSource | undefined): void {
  embedded = source;
}

/**
 * The UI build to serve: embedded files when set, else `LIGHTTRACE_UI_DIR`, else `ui/` next to the
 * running bundle (dist/lighttrace.mjs → dist/ui), else `dist/ui` of a source checkout (tests run
 * from src/). Undefined when no build with an index.html exists.
 */
export function locateUiAssets(env: NodeJS.ProcessEnv): AssetSource | undefined {
  if (embedded) return embedded;
  const override = env.LIGHTTRACE_UI_DIR;
  if (override) return createDirectoryAssetSource(resolve(override));
  for (const candidate of _candidateDirs()) {
    if (existsSync(join(candidate, "index.html"))) return createDirectoryAssetSource(candidate);
  }
  return undefined;
}

/** Files under `dir`, never outside it (`..`, absolute paths and NUL are refused). */
export function createDirectoryAssetSource(dir: string): AssetSource {
  const root = resolve(dir);
  return {
    description: root,
    read(path) {
      if (path.includes("\0") || path.split("/").some((part) => part === ".." || part === ".")) return undefined;
      const full = resolve(root, path.replace(/^\/+/, ""));
      if (!full.startsWith(root + sep)) return undefined;
      try {
        if (!statSync(full).isFile()) return undefined;
        return readFileSync(full);
      } catch {
        return undefined;
      }
    },
  };
}

// --- Internal ---

function _candidateDirs(): string[] {
  let here: string;
  try {
    here = fileURLToPath(new URL(".", import.meta.url));
  } catch {
    return []; // CommonJS bundle (packaged binary): assets come embedded
  }
  return [join(here, "ui"), join(here, "..", "dist", "ui")];
}
