import { describe, expect, it } from "vitest";
import { findPropertyReceiver, findPropertyReceivers } from "../../src/explain/error-classes.ts";
import type { Issue } from "../../src/store/types.ts";
import { analyseRawEvent, EXPLAIN_NOW } from "../_helpers/explain.ts";

const NOW = EXPLAIN_NOW;

/** A raw SDK event through the real pipeline into the analyser, with helpers to read its findings. */
function analyse(raw: Record<string, unknown>, issue: Partial<Issue> = {}) {
  const result = analyseRawEvent(raw, issue);
  const kinds = result.findings.map((f) => f.kind);
  const finding = (kind: string) => result.findings.find((f) => f.kind === kind)!;
  return { ...result, kinds, finding };
}

function exception(type: string, value: string, frames: object[], mechanism: object = { type: "generic", handled: true }) {
  return { exception: { values: [{ type, value, stacktrace: { frames }, mechanism }] } };
}

const click = (selector: string, at: number) => ({ timestamp: at, category: "ui.click", type: "default", message: selector });

describe("offline analyser on realistic events", () => {
  it("browser: property of undefined after a double click on the pay button", () => {
    const r = analyse({
      platform: "javascript",
      release: "shop-web@4.2.0",
      ...exception("TypeError", "Cannot read properties of undefined (reading 'name')", [
        { filename: "https://shop.example/assets/vendor.js", function: "dispatch", lineno: 1, colno: 9000, in_app: false },
        { filename: "https://shop.example/src/checkout/summary.js", abs_path: "https://shop.example/src/checkout/summary.js", function: "renderSummary", lineno: 42, colno: 31, in_app: true,
          pre_context: ["function renderSummary(order) {", "  const total = order.total;"], context_line: "  const label = order.customer.name + ' – ' + total;", post_context: ["  return label;"] },
      ]),
      breadcrumbs: { values: [
        { timestamp: NOW - 30, category: "navigation", data: { from: "/cart", to: "/checkout" } },
        click("button#pay.btn-primary", NOW - 1.4),
        click("button#pay.btn-primary", NOW - 1.1),
        { timestamp: NOW - 1.0, category: "fetch", type: "http", data: { method: "POST", url: "/api/orders", status_code: 201 } },
      ] },
    }, { firstRelease: "shop-web@4.2.0", firstSeenSec: NOW - 1200 });
    expect(r.culprit).toEqual({ filename: "https://shop.example/src/checkout/summary.js", lineNo: 42, function: "renderSummary" });
    expect(r.kinds).toEqual(["crash-site", "error-class", "double-submit", "first-release", "new"]);
    expect(r.finding("crash-site").title).toBe("Crashed in `renderSummary` at `https://shop.example/src/checkout/summary.js:42:31`");
    expect(r.finding("crash-site").detail).toBe("The failing line: `const label = order.customer.name + ' – ' + total;`");
    expect(r.finding("error-class").title).toBe("Reading property `name` of undefined");
    expect(r.finding("error-class").detail).toContain("`order.customer` was undefined when the code read `.name` from it (`order.customer.name`)");
    expect(r.finding("double-submit").detail).toContain("`button#pay.btn-primary` was used 2 times within 300 ms, the last 1.1 s before the error, while the request it had sent (`POST /api/orders`) was still running");
    expect(r.finding("double-submit")).toMatchObject({ confidence: "high", crumbs: [1, 2, 3], evidence: "breadcrumbs #2 ui.click `button#pay.btn-primary`, #3 ui.click `button#pay.btn-primary`, #4 fetch `POST /api/orders` → 201" });
    expect(r.explanation).toContain("_Offline analysis: built-in rules, no AI involved._");
    expect(r.explanation).toContain(">   42 |   const label = order.customer.name");
  });

  it("node: null property after an upstream 503", () => {
    const r = analyse({
      platform: "node",
      ...exception("TypeError", "Cannot read properties of null (reading 'items')", [
        { filename: "/srv/api/node_modules/express/lib/router/layer.js", function: "Layer.handle", lineno: 95, in_app: false },
        { filename: "/srv/api/src/stock.js", function: "reserveStock", lineno: 17, in_app: true, context_line: "  for (const item of stock.items) {" },
      ]),
      breadcrumbs: { values: [
        { timestamp: NOW - 0.4, category: "http", type: "http", data: { method: "GET", url: "http://inventory.internal:8080/api/stock/42", status_code: 503 } },
      ] },
    }, { firstSeenSec: NOW - 10 * 86400, substatus: "ongoing" });
    expect(r.kinds).toEqual(["crash-site", "error-class", "upstream-failure", "ongoing"]);
    expect(r.finding("error-class").detail).toContain("`stock` was null when the code read `.items` from it");
    expect(r.finding("upstream-failure").detail).toContain("`GET http://inventory.internal:8080/api/stock/{id}` answered 503 400 ms before the error");
    expect(r.finding("upstream-failure")).toMatchObject({ confidence: "high", crumbs: [0] });
  });

  it("firefox and safari wordings name the undefined expression from the message", () => {
    const ff = analyse({ ...exception("TypeError", `can't access property "id", user is undefined`, [{ filename: "app.js", function: "loadProfile", lineno: 3, in_app: true }]) });
    expect(ff.finding("error-class").detail).toContain("`user` was undefined when the code read `.id`");
    const safari = analyse({ ...exception("TypeError", "undefined is not an object (evaluating 'cart.items.length')", [{ filename: "cart.js", function: "badge", lineno: 8, in_app: true }]) });
    expect(safari.finding("error-class").title).toBe("Reading property `length` of undefined");
    expect(safari.finding("error-class").detail).toContain("`cart.items` was undefined");
  });

  it("HTML instead of JSON after a 404 fetch", () => {
    const r = analyse({
      ...exception("SyntaxError", `Unexpected token '<', "<!DOCTYPE "... is not valid JSON`, [{ filename: "api.js", function: "getJson", lineno: 12, in_app: true }]),
      breadcrumbs: { values: [{ timestamp: NOW - 0.05, category: "fetch", type: "http", data: { method: "GET", url: "/api/v2/prices", status_code: 404 } }] },
    });
    expect(r.finding("error-class").title).toBe("HTML where JSON was expected");
    expect(r.finding("upstream-failure").detail).toContain("`GET /api/v2/prices` answered 404 50 ms before the error");
  });

  it("python: None attribute on a regressed issue, with the release it first appeared in", () => {
    const r = analyse({
      platform: "python",
      release: "billing@2.0.1",
      ...exception("AttributeError", "'NoneType' object has no attribute 'email'", [
        { filename: "billing/invoices.py", module: "billing.invoices", function: "send_invoice", lineno: 88, in_app: true, context_line: "    to = customer.email.lower()" },
      ]),
    }, { firstRelease: "billing@1.9.0", lastRelease: "billing@2.0.1", substatus: "regressed", regressedAtSec: NOW - 60, firstSeenSec: NOW - 40 * 86400 });
    expect(r.kinds).toEqual(["crash-site", "error-class", "first-release", "regressed"]);
    expect(r.finding("error-class").detail).toContain("`customer` was None when `.email` was read");
    expect(r.finding("first-release").detail).toContain("This event is from `billing@2.0.1`");
    expect(r.finding("regressed").title).toBe("Regressed: it came back after being resolved");
  });

  it("unhandled ECONNREFUSED to the database", () => {
    const r = analyse({
      platform: "node",
      ...exception("Error", "connect ECONNREFUSED 127.0.0.1:5432", [
        { filename: "node:net", function: "TCPConnectWrap.afterConnect", lineno: 1555, in_app: false },
      ], { type: "onuncaughtexception", handled: false }),
    });
    expect(r.kinds).toEqual(["crash-site", "error-class", "unhandled", "new"]);
    expect(r.finding("error-class").title).toBe("Upstream connection failed (ECONNREFUSED)");
    expect(r.finding("crash-site").detail).toBe("No in-app frame: the error surfaced inside a library or the runtime, so no line of this application is blamed.");
    expect(r.culprit).toBeNull();
    expect(r.finding("unhandled").detail).toContain("`onuncaughtexception`");
  });

  it("reference errors, recursion, missing keys and calls of non-functions", () => {
    const frames = [{ filename: "a.js", function: "f", lineno: 1, in_app: true }];
    expect(analyse(exception("ReferenceError", "process is not defined", frames)).finding("error-class").title).toBe("`process` is not defined");
    expect(analyse(exception("RangeError", "Maximum call stack size exceeded", frames)).finding("error-class").title).toBe("Stack overflow: unbounded recursion");
    expect(analyse({ platform: "python", ...exception("KeyError", "'price'", frames) }).finding("error-class").title).toBe("Missing key `price`");
    expect(analyse(exception("TypeError", "api.fetchUsers is not a function", frames)).finding("error-class").title).toBe("Calling `api.fetchUsers`, which is not a function");
  });

  it("a message event without a stack trace still gets lifecycle findings and no culprit", () => {
    const r = analyse({ message: "payment provider timed out", level: "warning" });
    expect(r.culprit).toBeNull();
    expect(r.kinds).toEqual(["error-class", "new"]);
    expect(r.finding("error-class")).toMatchObject({ category: "timeout", title: "An operation timed out" });
    expect(r.explanation).toContain("`payment provider timed out`");
  });

  it("finds the receiver of a property in common line shapes", () => {
    expect(findPropertyReceiver("return a.b?.c.name;", "name")).toBe("a.b?.c");
    expect(findPropertyReceiver("x = items[0].price * qty", "price")).toBe("items[0]");
    expect(findPropertyReceiver("const v = getUser().profile.email", "email")).toBe("getUser().profile");
    expect(findPropertyReceiver("const v = data['total']", "total")).toBe("data");
    expect(findPropertyReceiver("nothing here", "name")).toBeUndefined();
    expect(findPropertyReceivers("db.insert({ order: order.id, charge: charge.data.id })", "id")).toEqual(["order", "charge.data"]);
  });
});
