import { describe, expect, it } from "vitest";
import { MemoryAttemptLimiter } from "../../src/api/attempt-limiter.ts";

const WINDOW_MS = 15 * 60_000;

describe("MemoryAttemptLimiter", () => {
  it("takes all keys or none, and never more than a key's limit", async () => {
    const limiter = new MemoryAttemptLimiter();
    const keys = [{ key: "ip:a", limit: 3 }, { key: "email:x", limit: 2 }];
    expect(await limiter.take(keys, 0, WINDOW_MS)).toEqual({ allowed: true });
    expect(await limiter.take(keys, 1000, WINDOW_MS)).toEqual({ allowed: true });
    expect(await limiter.take(keys, 2000, WINDOW_MS)).toEqual({ allowed: false, retryAfterMs: WINDOW_MS - 2000 });
    // the refused attempt took nothing from ip:a: one more attempt for another email passes, then it is used up
    expect(await limiter.take([{ key: "ip:a", limit: 3 }, { key: "email:y", limit: 2 }], 3000, WINDOW_MS)).toEqual({ allowed: true });
    expect((await limiter.take([{ key: "ip:a", limit: 3 }, { key: "email:z", limit: 2 }], 4000, WINDOW_MS)).allowed).toBe(false);
    // a new window starts after the old one ends
    expect(await limiter.take(keys, WINDOW_MS + 1, WINDOW_MS)).toEqual({ allowed: true });
  });

  it("gives an attempt back only within its window", async () => {
    const limiter = new MemoryAttemptLimiter();
    const keys = [{ key: "email:x", limit: 1 }];
    await limiter.take(keys, 0, WINDOW_MS);
    await limiter.giveBack(["email:x"], 10, WINDOW_MS);
    expect(await limiter.take(keys, 20, WINDOW_MS)).toEqual({ allowed: true });
    expect((await limiter.take(keys, 30, WINDOW_MS)).allowed).toBe(false);
  });

  it("never forgets a key inside its window to make room: new keys wait instead", async () => {
    const limiter = new MemoryAttemptLimiter(4);
    const target = [{ key: "email:target", limit: 2 }];
    await limiter.take(target, 0, WINDOW_MS);
    await limiter.take(target, 0, WINDOW_MS);
    for (const n of [1, 2, 3]) expect((await limiter.take([{ key: `email:spray-${n}`, limit: 2 }], 1000, WINDOW_MS)).allowed).toBe(true);
    expect(await limiter.take([{ key: "email:spray-4", limit: 2 }], 2000, WINDOW_MS)).toEqual({ allowed: false, retryAfterMs: WINDOW_MS - 2000 });
    expect((await limiter.take(target, 3000, WINDOW_MS)).allowed).toBe(false);
    // once the windows have ended, the ended keys make room
    expect((await limiter.take([{ key: "email:spray-4", limit: 2 }], WINDOW_MS + 1000, WINDOW_MS)).allowed).toBe(true);
  });
});
