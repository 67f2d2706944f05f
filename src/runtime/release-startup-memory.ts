import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type GcFunction = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

/**
 * One memory-reducing full GC once start-up has settled. Start-up leaves garbage and a grown
 * young generation behind (~9 MiB of RSS at idle), and V8's own memory reducer never returns it
 * in an idle server: it judges the allocation rate by the last GCs, so with no GC at idle it keeps
 * deciding "high allocation, wait" (--trace-memory-reducer). A `last-resort` collection is the
 * one that compacts and gives the pages back; it costs one pause of a few tens of ms, once.
 * Returns the pause in ms, or undefined when V8 would not hand out its gc function (nothing lost).
 */
export function releaseStartupMemory(): number | undefined {
  const gc = gcFunction();
  if (!gc) return undefined;
  const startedMs = performance.now();
  gc({ type: "major", execution: "sync", flavor: "last-resort" });
  return performance.now() - startedMs;
}

/**
 * V8's gc function without --expose-gc on the command line: a throwaway context made while the
 * flag is on has it. The flag goes off again at once, so no later context (a worker thread's)
 * gets a `gc` global. Started with --expose-gc, the global is there already and the flag stays.
 */
function gcFunction(): GcFunction | undefined {
  const existing = (globalThis as { gc?: GcFunction }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as GcFunction;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}
