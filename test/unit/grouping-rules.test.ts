import { describe, expect, it } from "vitest";
import type { Frame } from "../../src/events/types.ts";
import { normalizeFileName, normalizeFunctionName, normalizeModuleName } from "../../src/grouping/generated-names.ts";
import { parameterizeText } from "../../src/grouping/parameterize.ts";
import { applyStackRules, type OriginRules } from "../../src/grouping/stack-rules/apply.ts";
import { matchPathGlob, matchPlainGlob } from "../../src/grouping/stack-rules/glob.ts";
import { parseStackRules, StackRuleSyntaxError } from "../../src/grouping/stack-rules/parse.ts";

const project = (text: string): OriginRules[] => [{ origin: "project", rules: parseStackRules(text) }];

describe("stack-trace rule syntax (Sentry's grouping enhancements)", () => {
  it("parses matchers, quoted values, caller/callee matchers, actions and comments", () => {
    const rules = parseStackRules([
      "# a comment",
      "",
      "stack.abs_path:**/vendor/** -app   # trailing comment",
      'family:native package:"C:/Program Files/NVIDIA Corporation/**" category=driver',
      "[ category:driver ] | !app:yes function:glDraw* ^-group -group",
      "stack.function:handle | [ stack.module:rack.* ] max-frames=3 v+app",
    ].join("\n"));
    expect(rules.map((r) => r.line)).toEqual([3, 4, 5, 6]);
    expect(rules[0]).toMatchObject({ text: "stack.abs_path:**/vendor/** -app", matchers: [{ field: "path", pattern: "**/vendor/**", negated: false, position: "frame" }] });
    expect(rules[1]!.matchers[1]).toMatchObject({ field: "package", pattern: "C:/Program Files/NVIDIA Corporation/**" });
    expect(rules[1]!.actions).toEqual([{ kind: "var", name: "category", value: "driver" }]);
    expect(rules[2]!.matchers.map((m) => [m.position, m.field, m.negated])).toEqual([["caller", "category", false], ["frame", "app", true], ["frame", "function", false]]);
    expect(rules[2]!.actions).toEqual([{ kind: "flag", flag: "group", value: false, range: "up" }, { kind: "flag", flag: "group", value: false, range: "frame" }]);
    expect(rules[3]!.matchers.map((m) => m.position)).toEqual(["frame", "callee"]);
    expect(rules[3]!.actions).toEqual([{ kind: "var", name: "max-frames", value: 3 }, { kind: "flag", flag: "app", value: true, range: "down" }]);
  });

  it.each([
    ["stack.modul:foo -app", 'line 1 ("stack.modul:foo -app"): unknown matcher "stack.modul"'],
    ["ok:1 -app", 'unknown matcher "ok"'],
    ["stack.module:a.*", "the rule has no action"],
    ["-app", "at least one matcher for the frame itself"],
    ["family:jvm -app", 'unknown family "jvm"'],
    ["app:maybe -group", 'app: takes yes or no, not "maybe"'],
    ["stack.module:a +ap", '"+ap" is not an action'],
    ["stack.module:a max-frames=lots", "max-frames=lots: expected a whole number"],
    ["stack.module:a invert-stacktrace=1", 'unknown variable "invert-stacktrace"'],
    ['stack.abs_path:"unterminated -app', "unterminated quoted value"],
    ["stack.module:a -app stack.function:b", '"stack.function:b" is not an action'],
    ["[ stack.module:a | stack.function:b -app", 'a caller matcher is written "[ matcher:value ] |"'],
  ])("refuses %j naming the line", (text, message) => {
    expect(() => parseStackRules(`# ok\n${text}`)).toThrow(StackRuleSyntaxError);
    expect(() => parseStackRules(text)).toThrow(message);
  });
});

describe("globs", () => {
  it("match paths case-insensitively with \\ read as /, * within a segment, ** across", () => {
    expect(matchPathGlob("**/node_modules/**", "C:\\srv\\shop\\node_modules\\express\\lib\\router\\layer.js")).toBe(true);
    expect(matchPathGlob("**/Vendor/**", "vendor/laravel/framework/src/Foo.php")).toBe(true);
    expect(matchPathGlob("/usr/lib/go-*/src/**", "/usr/lib/go-1.22/src/net/http/server.go")).toBe(true);
    expect(matchPathGlob("/usr/lib/go-*/src/**", "/usr/lib/go-1.22/extra/src/x.go")).toBe(false);
    expect(matchPathGlob("**/*@v[0-9]*/**", "github.com/lib/pq@v1.10.9/conn.go")).toBe(true);
    expect(matchPathGlob("**/*@v[0-9]*/**", "github.com/acme/shop@vnext/orders.go")).toBe(false);
    expect(matchPathGlob("**/lib/python?.*/**", "/usr/lib/python3.11/json/decoder.py")).toBe(true);
    expect(matchPathGlob("**/lib/python?.*/**", "/usr/lib/python3/dist-packages/x.py")).toBe(false);
  });

  it("match other fields case-sensitively, * across anything", () => {
    expect(matchPlainGlob("com.acme.**", "com.acme.orders.OrderService$Inner")).toBe(true);
    expect(matchPlainGlob("com.acme.*", "com.acme.orders.OrderService")).toBe(true);
    expect(matchPlainGlob("com.acme.*", "com.Acme.orders")).toBe(false);
    expect(matchPlainGlob("?[[]KSCrash*", "-[KSCrashReport init]")).toBe(true);
  });
});

describe("applying rules to a stack", () => {
  const frames: Frame[] = [
    { module: "rack.handler", function: "call", in_app: true },
    { module: "app.web", function: "handle", in_app: true },
    { module: "app.retry", function: "withRetry", in_app: true },
    { module: "app.db", function: "query" },
  ];

  it("later rules win, app: sees earlier rules, ranges reach callers (v) and callees (^)", () => {
    const v = applyStackRules(frames, project("stack.module:rack.* -app\nstack.module:app.db +app\napp:no -group\nstack.function:withRetry ^-group"), { platform: "ruby" });
    expect(v.frames.map((f) => f.inApp)).toEqual([false, true, true, true]);
    expect(v.frames.map((f) => f.contributes)).toEqual([false, true, true, false]);
    expect(v.frames[3]!.appRule).toEqual({ origin: "project", line: 2, text: "stack.module:app.db +app" });
    expect(v.frames[3]!.groupRule).toEqual({ origin: "project", line: 4, text: "stack.function:withRetry ^-group" });
  });

  it("matches callers and callees, negation, families and exception fields", () => {
    const rules = project([
      "[ stack.module:rack.* ] | stack.function:handle v-app",
      "stack.function:query | [ stack.module:nothing ] -group",
      "!family:javascript stack.function:withRetry category=retry",
      "category:retry error.type:Timeout* max-frames=1",
    ].join("\n"));
    const v = applyStackRules(frames, rules, { platform: "python", exception: { type: "TimeoutError" } });
    expect(v.frames.map((f) => f.inApp)).toEqual([false, true, true, undefined]);
    expect(v.frames[3]!.contributes).toBe(true);
    expect(v.frames[2]!.category).toBe("retry");
    expect(v.maxFrames?.value).toBe(1);
    expect(applyStackRules(frames, rules, { platform: "node" }).frames[2]!.category).toBeUndefined();
  });
});

describe("generated names", () => {
  it.each([
    ["java", "com.acme.OrderService$$EnhancerBySpringCGLIB$$5f3a1b2c", "com.acme.OrderService$$EnhancerBySpringCGLIB$$<auto>"],
    ["java", "com.acme.OrderService$$FastClassBySpringCGLIB$$19fe0c2a_2", "com.acme.OrderService$$FastClassBySpringCGLIB$$<auto>"],
    ["java", "com.acme.OrderService$$SpringCGLIB$$0", "com.acme.OrderService$$SpringCGLIB$$<auto>"],
    ["java", "com.acme.OutboundController$EnhancerByGuice$ae46b1bf$FastClassByGuice$caceacd2", "com.acme.OutboundController$EnhancerByGuice$<auto>$FastClassByGuice$<auto>"],
    ["java", "com.acme.model.User$HibernateProxy$oRWxjAWT", "com.acme.model.User$HibernateProxy$<auto>"],
    ["java", "com.acme.Clock$MockitoMock$1271540935", "com.acme.Clock$MockitoMock$<auto>"],
    ["java", "com.acme.api.EntriesResource_$$_javassist_seam_74", "com.acme.api.EntriesResource_$$_javassist<auto>"],
    ["java", "com.acme.model.User_$$_jvst4f1_0", "com.acme.model.User_$$_jvst<auto>"],
    ["java", "jdk.internal.reflect.GeneratedMethodAccessor123", "jdk.internal.reflect.GeneratedMethodAccessor<auto>"],
    ["java", "sun.reflect.GeneratedSerializationConstructorAccessor7", "sun.reflect.GeneratedSerializationConstructorAccessor<auto>"],
    ["java", "jdk.proxy2.$Proxy123", "jdk.proxy<auto>.$Proxy<auto>"],
    ["java", "com.acme.Foo$$Lambda$1234/0x0000000800c0b448", "com.acme.Foo$$Lambda"],
    ["java", "com.acme.Foo$$Lambda/0x000001f0d2c4a000", "com.acme.Foo$$Lambda"],
    ["java", "myapp.core$handler$fn__12345", "myapp.core$handler$fn__<auto>"],
    ["csharp", "Acme.OrderService+<>c__DisplayClass5_0+<<PlaceAsync>b__0>d", "Acme.OrderService+<>c__DisplayClass+<<PlaceAsync>b>d"],
    ["node", "dist:server-3f9a2b1c", "dist:server.<hash>"],
    ["javascript", "assets/index-BxK3s9aZ", "assets/index.<hash>"],
    ["python", "shop.views", "shop.views"],
    ["node", "src.orders:place-order", "src.orders:place-order"],
  ])("%s module %s", (platform, input, output) => {
    expect(normalizeModuleName(input, platform).value).toBe(output);
  });

  it.each([
    ["java", "lambda$placeOrder$0", "lambda$placeOrder"],
    ["java", "CGLIB$placeOrder$3", "CGLIB$placeOrder"],
    ["java", "placeOrder$lambda-1", "placeOrder$lambda"],
    ["ruby", "_app_views_orders_show_html_erb__3547189071468446394_47280", "_app_views_orders_show_html_erb"],
    ["ruby", "_app_views_orders_show_html_erb___2683812286591328146_60", "_app_views_orders_show_html_erb"],
    ["ruby", "block (2 levels) in _app_views_orders__form_html_erb__-1177243120941739842_70242240", "block in _app_views_orders__form_html_erb"],
    ["ruby", "_run__2188397405290137009__process_action__1981154706047007023__callbacks", "_run__process_action__callbacks"],
    ["ruby", "block in #<Class:0x000055d5c0a8e0f8>", "block in #<Class:0x<addr>>"],
    ["ruby", "set_2", "set_2"],
    ["php", "class@anonymous\u0000/app/src/Foo.php:12$0::handle", "class@anonymous::handle"],
    ["php", "{closure:App\\Jobs\\Sync::handle():42}", "{closure:App\\Jobs\\Sync::handle()}"],
    ["php", "ContainerXyZ1a2b\\App_KernelProdContainer::getMailerService", "Container<hash>\\App_KernelProdContainer::getMailerService"],
    ["php", "App\\ContainerService\\Registry::get", "App\\ContainerService\\Registry::get"],
    ["csharp", "<PlaceAsync>g__Reserve|5_1", "<PlaceAsync>g__Reserve"],
    ["go", "(*Service).Refund.func1", "(*Service).Refund.func1"],
  ])("%s function %s", (platform, input, output) => {
    expect(normalizeFunctionName(input, platform).value).toBe(output);
  });

  it("normalises compiled-template and bundle file names, and says what it did", () => {
    expect(normalizeFileName("3f2a8c6d1e0b9a7f5c4d2e1f0a9b8c7d6e5f4a3b.php", "php")).toEqual({ value: "<hash>.php", hint: "generated name normalised (compiled template hash)" });
    expect(normalizeFileName("main.3f9a2b1c8d.js", "node").value).toBe("main.<hash>.js");
    expect(normalizeFileName("checkout.js", "node")).toEqual({ value: "checkout.js" });
  });
});

describe("parameterisation", () => {
  it.each([
    ["cache refresh failed at Tue Nov 03 2026 10:01:02 GMT+0100 (Central European Standard Time)", "cache refresh failed at <date>"],
    ["expires Tue, 03 Nov 2026 09:01:02 GMT", "expires <date>"],
    ["last run Tue Nov 03 10:01:02 CET 2026", "last run <date>"],
    ["failed at Tue Nov  3 10:01:02 2026", "failed at <date>"],
    ["stalled since 2026-11-03 02:00:07 +0100", "stalled since <date>"],
    ["at 2026-11-03T09:01:02.123Z and 2026-11-03", "at <date> and <date>"],
    ["order 65f1c2a9e4b0a1b2c3d4e5f6 not found", "order <hex> not found"],
    ["key DEADBEEF01 missing, 0x1f set", "key <hex> missing, <hex> set"],
    ["deploy 3f9a2b1 failed", "deploy <git_sha> failed"],
    ["trace 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "trace <traceparent>"],
    ["connect to 2001:db8:85a3::8a2e:370:7334, fe80::1ff:fe23:4567:890a%eth2 and ::1 refused", "connect to <ip>, <ip>%eth2 and <ip> refused"],
    ["connect to 192.168.0.12:5432 failed", "connect to <ip>:<int> failed"],
    ["DSN postgres://app:secret@db.internal:5432/shop invalid", "DSN <url> invalid"],
    ["mail to jane.doe+shop@example.co.uk bounced", "mail to <email> bounced"],
    ["host api.shop.io timed out after 30 s", "host <hostname> timed out after <duration>"],
    ["retry -3 of 12.5", "retry <int> of <float>"],
    ["flag enabled=true name='x'", "flag enabled=<bool> name=<quoted_str>"],
  ])("%s", (input, output) => {
    expect(parameterizeText(input)).toBe(output);
  });

  it("keeps genuinely different messages different", () => {
    const pairs: [string, string][] = [
      ["user.id is undefined", "order.id is undefined"],
      ["cache refresh failed at startup", "cache refresh failed at shutdown"],
      ["facade deadbeef not found", "facade cafebabe not found"],
      ["Foo::bar failed", "Foo::baz failed"],
      ["payment declined: insufficient funds", "payment declined: card expired"],
      ["import of batch 42 failed", "export of batch 42 failed"],
      ["KeyError 'user_id'", "KeyError 'order_id'"],
    ];
    for (const [a, b] of pairs) expect(parameterizeText(a)).not.toBe(parameterizeText(b));
    expect(parameterizeText("Foo::bar failed at 10:01:02")).toBe("Foo::bar failed at <date>");
  });
});
