import { describe, expect, it } from "vitest";
import { redactHeader, redactText } from "../../src/explain/redact.ts";

describe("PII redaction before anything leaves the process", () => {
  it.each([
    ["email", "mail to ada.lovelace+test@example.co.uk failed", "mail to [email] failed"],
    ["ipv4", "connect ECONNREFUSED 10.1.2.3:5432 from 192.168.0.77", "connect ECONNREFUSED [ip]:5432 from [ip]"],
    ["ipv6", "client 2001:db8::8a2e:370:7334 and fe80:0:0:0:200:f8ff:fe21:67cf", "client [ip] and [ip]"],
    ["bearer", "Authorization failed for Bearer abcDEF123456.xyz", "Authorization failed for Bearer [redacted]"],
    ["header line", "Authorization: Basic dXNlcjpwYXNz", "Authorization: [redacted]"],
    ["cookie line", "Cookie: session=abc123; theme=dark", "Cookie: [redacted]"],
    ["jwt", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "token [token]"],
    ["stripe key", "using sk_live_51HqLyjWDarjtT1zdp7dc", "using [token]"],
    ["openai key", "key sk-proj-abcdefghijklmnopqrstuvwxyz", "key [token]"],
    ["secret pair", "GET /api?user=7&api_key=s3cr3t&page=2", "GET /api?user=7&api_key=[redacted]&page=2"],
    ["json secret", '{"password": "hunter2", "name": "x"}', '{"password": "[redacted]", "name": "x"}'],
    ["card", "charge 4111 1111 1111 1111 declined", "charge [card] declined"],
    ["card dashes", "card 5500-0000-0000-0004 expired", "card [card] expired"],
  ])("%s", (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it("keeps what diagnosis needs: trace and event ids, versions, times, line numbers, code", () => {
    const keep = [
      "Trace id: 0af7651916cd43dd8448eb211c80319c",
      "Release: shop@1.2.3 first seen 2026-11-28T04:10:38.980Z",
      "at renderSummary (summary.js:42:31) 12:30:45",
      "  const label = order.customer.name + ' – ' + total;",
      "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
      "order 1234567890123 not found", // 13 digits failing the Luhn check are not a card
    ];
    for (const line of keep) expect(redactText(line)).toBe(line);
  });

  it("drops credential headers entirely", () => {
    expect(redactHeader("Authorization", "Bearer x")).toEqual(["Authorization", "[redacted]"]);
    expect(redactHeader("cookie", "a=b")).toEqual(["cookie", "[redacted]"]);
    expect(redactHeader("X-Forwarded-For", "203.0.113.9")).toEqual(["X-Forwarded-For", "[ip]"]);
    expect(redactHeader("Accept", "application/json")).toEqual(["Accept", "application/json"]);
  });
});
