import { describe, expect, it } from "vitest";
import { clientAddress } from "../../src/http/client-ip.ts";

describe("clientAddress", () => {
  it("ignores X-Forwarded-For without trusted proxies", () => {
    expect(clientAddress("::ffff:10.0.0.2", "6.6.6.6", 0)).toBe("10.0.0.2");
  });
  it("takes the rightmost hop no trusted proxy added", () => {
    expect(clientAddress("10.0.0.2", "6.6.6.6, 203.0.113.7", 1)).toBe("203.0.113.7");
    expect(clientAddress("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.3", 2)).toBe("203.0.113.7");
    expect(clientAddress("10.0.0.2", ["6.6.6.6", "203.0.113.7"], 1)).toBe("203.0.113.7");
  });
  it("reads ports and brackets, and falls back to the socket for garbage", () => {
    expect(clientAddress("10.0.0.2", "203.0.113.7:5123", 1)).toBe("203.0.113.7");
    expect(clientAddress("10.0.0.2", "[2001:db8::7]:443", 1)).toBe("2001:db8::7");
    expect(clientAddress("10.0.0.2", "unknown", 1)).toBe("10.0.0.2");
  });
  it("uses the leftmost hop when the chain is shorter than the proxies configured", () => {
    expect(clientAddress("10.0.0.2", "203.0.113.7", 3)).toBe("203.0.113.7");
    expect(clientAddress("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
  });
});
