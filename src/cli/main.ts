import { buildProgram } from "./program.ts";
import { setSqliteNativeBindingResolver } from "../store/sqlite-binding.ts";
import { embeddedSqliteBinding } from "../runtime/native-addon.ts";

// In the standalone executable the addon comes out of the binary; elsewhere this resolves nothing.
setSqliteNativeBindingResolver(embeddedSqliteBinding);

/** Entry point of the `lighttrace` executable and of `npm start`. No top-level await (bundled as CJS too). */
buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
