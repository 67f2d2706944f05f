/**
 * bench:grouping — what grouping costs per event, over the labelled grouping corpus (Go, Ruby,
 * Java, PHP, .NET shapes) plus the real @sentry/node, @sentry/browser and sentry-python captures:
 *  - reference: lt-v1's key and hash (what grouping cost before lt-v2);
 *  - lt-v2 alone (built-in stack-trace rules), and with a 12-rule project rule set, for a stack
 *    seen before (memoised) and a new one;
 *  - everything prepareEvent does for grouping now: the lt-v2 key, the keys of earlier rules
 *    (lt-v1 and one previous project rule set) and marking the frames in-app;
 *  - normalizeEvent alone and normalizeEvent + prepareEvent, for scale.
 * All in one run, rounds interleaved, as µs per event (median of rounds) and as a ratio to the reference.
 */
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { normalizeEvent } from "../src/events/normalize.ts";
import type { NormalizedEvent } from "../src/events/types.ts";
import { computeLegacyV1Key } from "../src/grouping/legacy-lt-v1.ts";
import { computeFallbackGroupings, computeGrouping, computeGroupingDetails, type GroupingConfig } from "../src/grouping/mechanisms.ts";
import { markInAppFrames } from "../src/grouping/mark-in-app.ts";
import { prepareEvent } from "../src/process/prepare-event.ts";
import { GO_CORPUS } from "../test/fixtures/grouping-corpus/go.ts";
import { RUBY_CORPUS } from "../test/fixtures/grouping-corpus/ruby.ts";
import { JAVA_CORPUS } from "../test/fixtures/grouping-corpus/java.ts";
import { PHP_CORPUS } from "../test/fixtures/grouping-corpus/php.ts";
import { DOTNET_CORPUS } from "../test/fixtures/grouping-corpus/dotnet.ts";

const ROUNDS = 15;
const PROJECT_RULES = [
  "stack.module:com.acme.** +app", "stack.module:shop.** +app", "stack.abs_path:**/generated/** -group", "stack.function:retry* -group",
  "family:javascript stack.abs_path:**/polyfills/** -app -group", "stack.module:github.com/acme/** +app", "error.type:TimeoutError max-frames=3",
  "[ stack.module:org.springframework.* ] | stack.module:com.acme.web.* -group", "stack.abs_path:**/app/lib/vendor-shim/** +app",
  "family:native stack.function:std::* -app", "stack.package:**/plugins/** -app", "app:no stack.function:handle* -group",
].join("\n");
const PREVIOUS_RULES = PROJECT_RULES.split("\n").slice(0, 6).join("\n");
const BUILT_IN: GroupingConfig = { stackRules: "", previousStackRules: [] };
/**
 * Evaluated stacks are memoised per rule set (most events repeat a known stack); a rule text that
 * differs only in a comment is a new rule set, so `fresh(round)` makes every stack of a round new.
 */
const fresh = (round: number, rules: string, previous: string[] = []): GroupingConfig =>
  ({ stackRules: `${rules}\n# round ${round}`, previousStackRules: previous.map((p) => `${p}\n# round ${round}`) });

const raws: Record<string, unknown>[] = [
  ...[...GO_CORPUS, ...RUBY_CORPUS, ...JAVA_CORPUS, ...PHP_CORPUS, ...DOTNET_CORPUS].map((c) => c.event),
  ..._captures(),
];
const normalize = (raw: Record<string, unknown>, i: number) =>
  normalizeEvent(structuredClone(raw), { receivedAtMs: Date.now(), newEventId: () => i.toString(16).padStart(32, "0") });
const events: NormalizedEvent[] = raws.map(normalize);
const frames = events.reduce((n, e) => n + (e.exception?.values ?? []).reduce((m, x) => m + (x.stacktrace?.frames.length ?? 0), 0), 0);
console.log(`grouping bench: ${events.length} events (${frames} frames), ${ROUNDS} rounds, load ${_load()}`);

const grouping = (config: GroupingConfig, e: NormalizedEvent) => {
  const details = computeGroupingDetails(e, config);
  computeFallbackGroupings(e, config, details.grouping);
  markInAppFrames(details.default.stacks); // idempotent: grouping reads the SDK's flag from data.orig_in_app
};
const rows: [string, (e: NormalizedEvent, i: number, round: number) => unknown][] = [
  ["lt-v1 key + hash (reference)", (e) => createHash("md5").update(computeLegacyV1Key(e)).digest("hex")],
  ["lt-v2 key, built-in rules, known stack", (e) => computeGrouping(e, BUILT_IN)],
  ["lt-v2 key, built-in rules, new stack", (e, _i, round) => computeGrouping(e, fresh(round, ""))],
  ["lt-v2 key, + 12 project rules, new stack", (e, _i, round) => computeGrouping(e, fresh(round, PROJECT_RULES))],
  ["all grouping work of prepareEvent, known", (e) => grouping({ stackRules: PROJECT_RULES, previousStackRules: [PREVIOUS_RULES] }, e)],
  ["all grouping work of prepareEvent, new", (e, _i, round) => grouping(fresh(round, PROJECT_RULES, [PREVIOUS_RULES]), e)],
  ["normalizeEvent alone (for scale)", (_e, i) => normalize(raws[i]!, i)],
  ["normalizeEvent + prepareEvent, new stack", (_e, i, round) => prepareEvent(normalize(raws[i]!, i), fresh(round, PROJECT_RULES, [PREVIOUS_RULES]))],
];
// rounds interleave the rows, so load spikes on this shared machine hit every row alike; one warm-up round first
const samples: number[][] = rows.map(() => []);
for (let round = -1; round < ROUNDS; round++) {
  rows.forEach(([, fn], r) => {
    const start = process.hrtime.bigint();
    events.forEach((e, i) => fn(e, i, round));
    if (round >= 0) samples[r]!.push(Number(process.hrtime.bigint() - start) / 1000 / events.length);
  });
}
const reference = _median(samples[0]!);
rows.forEach(([name], r) => {
  const perEventUs = _median(samples[r]!);
  console.log(`${name.padEnd(40)} ${perEventUs.toFixed(1).padStart(7)} µs/event   ×${(perEventUs / reference).toFixed(2)}`);
});

// --- Internal ---

/** The event payloads of the real SDK captures in test/fixtures/envelopes (one per envelope). */
function _captures(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const file of ["node-error-envelope.txt", "browser-error-envelope.txt"]) {
    const lines = readFileSync(new URL(`../test/fixtures/envelopes/${file}`, import.meta.url), "utf8").split("\n");
    const item = lines.findIndex((l) => /"type":"event"/.test(l));
    out.push(JSON.parse(lines[item + 1]!));
  }
  out.push(JSON.parse(readFileSync(new URL("../test/fixtures/envelopes/python-error-store-body.json", import.meta.url), "utf8")));
  return out;
}

function _median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function _load(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}
