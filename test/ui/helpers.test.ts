import { describe, expect, it } from "vitest";
import { parseLinkHeader } from "../../ui/api/client.ts";
import { issueListPath, issuePath, parseRoute } from "../../ui/lib/routes.ts";
import { setupSnippet } from "../../ui/lib/snippets.ts";
import { externalHref } from "../../ui/lib/links.ts";
import { slugify } from "../../src/projects/project-slug.ts";

const DSN = "http://0123456789abcdef0123456789abcdef@127.0.0.1:8000/2";

describe("client routes", () => {
  it.each([
    ["/", { name: "issues" }],
    ["/issues/", { name: "issues" }],
    ["/issues/42/", { name: "issue", issueId: "42" }],
    ["/issues/42/events/latest/", { name: "issue", issueId: "42", eventId: "latest" }],
    ["/projects/", { name: "projects" }],
    ["/projects/shop-api/", { name: "projects", project: "shop-api" }],
    ["/projects/shop-api/issues/", { name: "issues", project: "shop-api" }],
    ["/issues/abc/", { name: "notFound", path: "/issues/abc/" }],
    // Sentry's links (the API's permalinks, the Sentry MCP server's answers) open the same pages
    ["/organizations/lighttrace/issues/42/", { name: "issue", issueId: "42" }],
    ["/organizations/lighttrace/issues/MY-PROJECT-1A/", { name: "issue", issueId: "MY-PROJECT-1A" }],
    ["/organizations/lighttrace/issues/42/events/ab12/", { name: "issue", issueId: "42", eventId: "ab12" }],
    ["/organizations/lighttrace/issues/", { name: "issues" }],
  ])("%s", (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });
  it("formats paths back", () => {
    expect(issuePath("42", "ab12")).toBe("/issues/42/events/ab12/");
    expect(issueListPath("shop", new URLSearchParams({ query: "is:resolved" }))).toBe("/projects/shop/issues/?query=is%3Aresolved");
    expect(issueListPath(undefined, new URLSearchParams())).toBe("/");
  });
});

describe("parseLinkHeader", () => {
  it("returns the cursors that have results", () => {
    const header = '<http://x/api/0/o/issues/?cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", '
      + '<http://x/api/0/o/issues/?cursor=0:25:0>; rel="next"; results="true"; cursor="0:25:0"';
    expect(parseLinkHeader(header)).toEqual({ next: "0:25:0" });
    expect(parseLinkHeader(null)).toEqual({});
  });
});

describe("setup snippets", () => {
  it("puts the DSN, release and environment into each SDK's init", () => {
    expect(setupSnippet("node", DSN, "shop@2.0.0", "staging").code).toContain(`Sentry.init({\n  dsn: "${DSN}",\n  release: "shop@2.0.0",\n  environment: "staging",\n});`);
    expect(setupSnippet("browser", DSN).install).toBe("npm install @sentry/browser");
    expect(setupSnippet("python", DSN).code).toContain(`sentry_sdk.init(\n    dsn="${DSN}",\n    release="my-app@1.0.0",\n    environment="production",\n)`);
    expect(setupSnippet("go", DSN).code).toContain(`\t\tDsn:         "${DSN}",\n\t\tRelease:     "my-app@1.0.0",\n\t\tEnvironment: "production",`);
  });
});

describe("slugify (project creation)", () => {
  it("makes Sentry-style slugs", () => {
    expect(slugify("My Shop API!")).toBe("my-shop-api");
    expect(slugify("Café Crème")).toBe("cafe-creme");
    expect(slugify("2024")).toBe("project-2024");
    expect(slugify("a".repeat(60))).toBe("a".repeat(50));
  });
});

describe("externalHref", () => {
  it("passes http(s) URLs and nothing else", () => {
    expect(externalHref("https://github.com/acme/shop/blob/abc/src/a.ts#L1")).toBe("https://github.com/acme/shop/blob/abc/src/a.ts#L1");
    expect(externalHref("http://git.internal/x")).toBe("http://git.internal/x");
    for (const bad of ["javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", "//evil.example/x", "/relative", "", null, undefined]) {
      expect(externalHref(bad), String(bad)).toBe(undefined);
    }
  });
});
