import { describe, expect, it } from "vitest";
import { decisionHeaders, take, tightest, type BucketState } from "../limits/token-bucket";

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
    const w = { windowMs: 60_000 };
    const a = { allowed: true, limit: 100, burst: 100, remaining: 50, resetSec: 1, retryAfterSec: 0, ...w };
    const b = { allowed: true, limit: 5, burst: 5, remaining: 2, resetSec: 1, retryAfterSec: 0, ...w };
    const c = { allowed: false, limit: 1000, burst: 1000, remaining: 0, resetSec: 9, retryAfterSec: 3, ...w };
    const d = { allowed: false, limit: 100, burst: 150, remaining: 0, resetSec: 2, retryAfterSec: 1, ...w };
    expect(tightest([a, b])).toBe(b);
    expect(tightest([a, b, c])).toBe(c);
    // Of two refusals, the longer one: its Retry-After passes both.
    expect(tightest([d, c])).toBe(c);
    expect(tightest([])).toBeUndefined();
  });

  it("headers: Limit is the capacity, Remaining never above it, the rate and burst in the policy", () => {
    let state: BucketState | undefined;
    for (let i = 0; i < 3; i++) {
      const r = take(rule, state, 5_000_000);
      state = r.state;
      const h = decisionHeaders(r.decision);
      expect(h["X-RateLimit-Limit"]).toBe("90");
      expect(Number(h["X-RateLimit-Remaining"])).toBe(89 - i);
      expect(h["X-RateLimit-Policy"]).toBe("60;w=60;burst=90");
    }
    const plain = take({ limit: 10, burst: 10, windowMs: 60_000 }, undefined, 0).decision;
    expect(decisionHeaders(plain)["X-RateLimit-Policy"]).toBe("10;w=60");
  });
});
