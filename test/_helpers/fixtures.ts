import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("../fixtures/envelopes/", import.meta.url));

/** A real SDK capture from test/fixtures/envelopes (recorded from unmodified SDKs on this platform). */
export function readFixture(name: string): Buffer {
  return readFileSync(DIR + name);
}

/** The JSON payload of the first item of a captured envelope. */
export function fixtureEventPayload(name: string): Record<string, unknown> {
  const lines = readFixture(name).toString("utf8").split("\n");
  return JSON.parse(lines[2]!);
}
