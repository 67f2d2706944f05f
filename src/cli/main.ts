import { buildProgram } from "./program.ts";
import { installEmbeddedResources } from "../runtime/embedded.ts";

// In the standalone executable the SQLite addon and the UI come out of the binary; elsewhere a no-op.
installEmbeddedResources();

/** Entry point of the `lighttrace` executable and of `npm start`. No top-level await (bundled as CJS too). */
buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
