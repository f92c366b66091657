import { describe, expect, it } from "vitest";
import { take, tightest, type BucketState } from "../limits/token-bucket";

const rule = { limit: 60, burst: 90, windowMs: 60_000 }; // 1 token per second, 90 at once

describe("token bucket", () => {
  it("admits the burst at once, then refuses with the time to the next token", () => {
    let state: BucketState | undefined;
    const t0 = 1_000_000;
    for (let i = 0; i < 90; i++) {
      const r = take(rule, state, t0);
      expect(r.decision.allowed).toBe(true);
      expect(r.decision.remaining).toBe(89 - i);
      state = r.state;
    }
    const refused = take(rule, state, t0);
    expect(refused.decision).toMatchObject({ allowed: false, remaining: 0, limit: 60, retryAfterSec: 1 });
    expect(refused.decision.resetSec).toBe(Math.ceil((t0 + 90_000) / 1000));
  });

  it("refills continuously at limit per window, never above the burst", () => {
    const empty = { tokens: 0, updatedMs: 0 };
    expect(take(rule, empty, 999).decision.allowed).toBe(false);
    expect(take(rule, empty, 1000).decision.allowed).toBe(true);
    expect(take(rule, empty, 10_000).decision.remaining).toBe(9);
    expect(take(rule, empty, 10 * 60_000).decision.remaining).toBe(89);
  });

  it("reports a refusal before any admitted decision, else the tightest", () => {
    const a = { allowed: true, limit: 100, remaining: 50, resetSec: 1, retryAfterSec: 0 };
    const b = { allowed: true, limit: 5, remaining: 2, resetSec: 1, retryAfterSec: 0 };
    const c = { allowed: false, limit: 1000, remaining: 0, resetSec: 9, retryAfterSec: 3 };
    expect(tightest([a, b])).toBe(b);
    expect(tightest([a, b, c])).toBe(c);
    expect(tightest([])).toBeUndefined();
  });
});
