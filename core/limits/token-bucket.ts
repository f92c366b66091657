/**
 * Token bucket (equivalent to GCRA): `burst` tokens at most, refilled continuously at
 * `limit` per `windowMs`. A full bucket admits `burst` requests at once, then `limit` per
 * window sustained. Pure: the caller owns the clock and the state.
 */
export type BucketRule = { limit: number; burst: number; windowMs: number };
export type BucketState = { tokens: number; updatedMs: number };

export type Decision = {
  allowed: boolean;
  /** The sustained limit per window, for X-RateLimit-Limit. */
  limit: number;
  /** Whole requests left right now, for X-RateLimit-Remaining. */
  remaining: number;
  /** Unix seconds when the bucket is full again, for X-RateLimit-Reset. */
  resetSec: number;
  /** Seconds until the next request would pass (0 when allowed), for Retry-After. */
  retryAfterSec: number;
};

export function take(
  rule: BucketRule,
  state: BucketState | undefined,
  nowMs: number,
  cost = 1,
): { decision: Decision; state: BucketState } {
  const ratePerMs = rule.limit / rule.windowMs;
  const prev = state ?? { tokens: rule.burst, updatedMs: nowMs };
  const elapsed = Math.max(0, nowMs - prev.updatedMs);
  let tokens = Math.min(rule.burst, prev.tokens + elapsed * ratePerMs);
  const allowed = tokens >= cost;
  if (allowed) tokens -= cost;
  const fullInMs = (rule.burst - tokens) / ratePerMs;
  const decision: Decision = {
    allowed,
    limit: rule.limit,
    remaining: Math.max(0, Math.floor(tokens)),
    resetSec: Math.ceil((nowMs + fullInMs) / 1000),
    retryAfterSec: allowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / ratePerMs / 1000)),
  };
  return { decision, state: { tokens, updatedMs: nowMs } };
}

/** The decision to report when several limits apply: a refusal first, else the tightest. */
export function tightest(decisions: Decision[]): Decision | undefined {
  const refused = decisions.filter((d) => !d.allowed).sort((a, b) => b.retryAfterSec - a.retryAfterSec);
  if (refused.length > 0) return refused[0];
  return [...decisions].sort((a, b) => a.remaining - b.remaining || a.limit - b.limit)[0];
}
