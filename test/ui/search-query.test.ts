import { describe, expect, it } from "vitest";
import { getQueryFilter, quoteValue, setQueryFilter, tokenizeQuery } from "../../ui/lib/search-query.ts";

describe("issue search query helpers", () => {
  it("reads filters, including quoted values, ignoring negated ones", () => {
    const q = 'is:unresolved release:"api 2.4.1" !level:debug team:billing timeout';
    expect(getQueryFilter(q, "release")).toBe("api 2.4.1");
    expect(getQueryFilter(q, "is")).toBe("unresolved");
    expect(getQueryFilter(q, "level")).toBe(undefined);
    expect(getQueryFilter(q, "environment")).toBe(undefined);
  });

  it("replaces a filter in place and keeps the other terms as typed", () => {
    expect(setQueryFilter('is:unresolved "payment failed" release:a@1', "release", "b@2")).toBe('is:unresolved "payment failed" release:b@2');
    expect(setQueryFilter("is:unresolved timeout", "level", "error")).toBe("is:unresolved timeout level:error");
    expect(setQueryFilter("is:unresolved timeout", "is", "resolved")).toBe("is:resolved timeout");
  });

  it("removes every occurrence when the value is cleared", () => {
    expect(setQueryFilter("is:unresolved level:error timeout level:fatal", "level", undefined)).toBe("is:unresolved timeout");
    expect(setQueryFilter("is:unresolved", "is", "")).toBe("");
  });

  it("quotes values with spaces or quotes", () => {
    expect(quoteValue("api 2")).toBe('"api 2"');
    expect(quoteValue('say "hi"')).toBe('"say \\"hi\\""');
    expect(setQueryFilter("", "environment", "staging eu")).toBe('environment:"staging eu"');
    expect(getQueryFilter(setQueryFilter("", "release", 'x "y"'), "release")).toBe('x "y"');
  });

  it("tokenizes like the server's parser", () => {
    expect(tokenizeQuery('is:unresolved "two words" !env:prod x').map((t) => [t.key, t.value, t.negate, t.raw])).toEqual([
      ["is", "unresolved", false, "is:unresolved"],
      [undefined, undefined, false, '"two words"'],
      ["env", "prod", true, "!env:prod"],
      [undefined, undefined, false, "x"],
    ]);
  });
});
