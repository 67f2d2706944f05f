/**
 * The V8 flags the server runs with (src/runtime/server-flags.ts): `npm start` (package.json),
 * bin/lighttrace.mjs, the standalone binary (build-binary.mjs checks package.json agrees) and the
 * benchmarks. A server started without them restarts itself with them.
 */
export { SERVER_V8_FLAGS as SERVER_NODE_ARGS } from "../src/runtime/server-flags.ts";
