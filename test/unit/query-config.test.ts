import { describe, expect, it } from "vitest";
import { parseIssueQuery, QuerySyntaxError } from "../../src/api/query.ts";
import { parseCursor, linkHeader } from "../../src/api/pagination.ts";
import { ConfigError, envName, loadConfig } from "../../src/config.ts";

describe("parseIssueQuery", () => {
  it("splits status, level, tags and free text", () => {
    expect(parseIssueQuery('is:unresolved release:api@2.4.1 team:billing level:error "payment failed" timeout')).toEqual({
      statuses: ["unresolved"],
      levels: ["error"],
      tags: [{ key: "release", value: "api@2.4.1", negate: false }, { key: "team", value: "billing", negate: false }],
      text: ["payment failed", "timeout"],
    });
  });

  it("supports quoted values, negation and aliases", () => {
    expect(parseIssueQuery('!environment:prod transaction:"GET /orders/:id" is:archived')).toEqual({
      statuses: ["ignored"],
      tags: [{ key: "environment", value: "prod", negate: true }, { key: "transaction", value: "GET /orders/:id", negate: false }],
      text: [],
    });
    expect(parseIssueQuery("!is:resolved").statuses).toEqual(["unresolved", "ignored"]);
  });

  it("names what is wrong", () => {
    expect(() => parseIssueQuery("is:bookmarked")).toThrowError(QuerySyntaxError);
    expect(() => parseIssueQuery("is:bookmarked")).toThrowError('unsupported search "is:bookmarked"');
    expect(() => parseIssueQuery("level:loud")).toThrowError('unknown level "loud"');
    expect(() => parseIssueQuery("release:")).toThrowError('search filter "release:" has no value');
  });
});

describe("cursor pagination", () => {
  it("reads Sentry cursors and writes Link headers", () => {
    expect(parseCursor(undefined)).toBe(0);
    expect(parseCursor("0:50:0")).toBe(50);
    expect(() => parseCursor("abc")).toThrowError("invalid cursor");
    const link = linkHeader(new URL("http://h/api/0/x/?query=a"), 25, 25, true);
    expect(link).toBe('<http://h/api/0/x/?query=a&cursor=0%3A0%3A1>; rel="previous"; results="true"; cursor="0:0:1", <http://h/api/0/x/?query=a&cursor=0%3A50%3A0>; rel="next"; results="true"; cursor="0:50:0"');
  });
});

describe("loadConfig", () => {
  it("reads LIGHTTRACE_* variables and lets overrides win", () => {
    const c = loadConfig({ LIGHTTRACE_PORT: "9000", LIGHTTRACE_TRUST_PROXY: "yes", LIGHTTRACE_DATA_DIR: "/tmp/x" }, { port: 9100 });
    expect([c.port, c.trustProxy, c.dataDir, c.host]).toEqual([9100, 1, "/tmp/x", "127.0.0.1"]);
    expect(loadConfig({ LIGHTTRACE_TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(loadConfig({ LIGHTTRACE_TRUST_PROXY: "false" }).trustProxy).toBe(0);
    expect(Object.isFrozen(c)).toBe(true);
    expect(envName("maxEventBytes")).toBe("LIGHTTRACE_MAX_EVENT_BYTES");
  });

  it("rejects bad values naming the variable, and unknown override keys", () => {
    expect(() => loadConfig({ LIGHTTRACE_PORT: "http" })).toThrowError(ConfigError);
    expect(() => loadConfig({ LIGHTTRACE_PORT: "99999" })).toThrowError("invalid port (LIGHTTRACE_PORT)");
    expect(() => loadConfig({ LIGHTTRACE_SQLITE_SYNCHRONOUS: "off" })).toThrowError("LIGHTTRACE_SQLITE_SYNCHRONOUS");
    expect(() => loadConfig({}, { colour: "red" } as never)).toThrowError('unknown config key "colour"');
  });
});
