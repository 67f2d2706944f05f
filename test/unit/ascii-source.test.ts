import { describe, expect, it } from "vitest";
// @ts-expect-error a build script (plain .mjs, no types)
import { asciiSource } from "../../scripts/ascii-source.mjs";

describe("asciiSource (build step)", () => {
  it("leaves only ASCII and keeps what regexes, strings and identifiers mean", () => {
    const source = 'const re = /[.…!?\\s]+$/; const s = "naïve 😀"; const café = 1; // ünïcode\nexport default [re.test("end…"), s, café];';
    const escaped: string = asciiSource(source, "test");
    expect(escaped).toMatch(/^[\x00-\x7f]*$/);
    const run = (code: string) => new Function(code.replace("export default", "return"))();
    expect(run(escaped)).toEqual(run(source));
    expect(run(escaped)).toEqual([true, "naïve 😀", 1]);
  });

  it("refuses a non-ASCII character right after a backslash instead of changing its meaning", () => {
    expect(() => asciiSource('const s = "\\é";', "x.js")).toThrow(/backslash/);
  });
});
