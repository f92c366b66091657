/**
 * Token bucket (equivalent to GCRA): `burst` tokens at most, refilled continuously at
 * `limit` per `windowMs`. A full bucket admits `burst` requests at once, then `limit` per
 * window sustained. Pure: the caller owns the clock and the state.
 */
export type BucketRule = { limit: number; burst: number; windowMs: number };
export type BucketState = { tokens: number; updatedMs: number };

export type Decision = {
  allowed: boolean;
  /** The sustained limit per window (X-RateLimit-Policy). */
  limit: number;
  /** The bucket's capacity: the most requests admitted at once (X-RateLimit-Limit). */
  burst: number;
  /** The refill window in ms (X-RateLimit-Policy's `w`, in seconds). */
  windowMs: number;
  /** Whole requests left right now, never above `burst` (X-RateLimit-Remaining). */
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
    burst: rule.burst,
    windowMs: rule.windowMs,
    remaining: Math.min(rule.burst, Math.max(0, Math.floor(tokens))),
    resetSec: Math.ceil((nowMs + fullInMs) / 1000),
    retryAfterSec: allowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / ratePerMs / 1000)),
  };
  return { decision, state: { tokens, updatedMs: nowMs } };
}

/**
 * The decision to report when several limits apply: among refusals the one that refuses
 * longest (so its Retry-After is enough to pass every limit), else the one with fewest
 * requests left (ties: the lower sustained rate, the one that stays tight).
 */
export function tightest<D extends Decision>(decisions: readonly D[]): D | undefined {
  const refused = decisions.filter((d) => !d.allowed).sort((a, b) => b.retryAfterSec - a.retryAfterSec);
  if (refused.length > 0) return refused[0];
  return [...decisions].sort((a, b) => a.remaining - b.remaining || a.limit - b.limit)[0];
}

/**
 * The headers of a decision. X-RateLimit-Limit is the bucket's capacity, so Remaining
 * (whole tokens left) never exceeds it and Reset is when Remaining is back to Limit; the
 * sustained rate and the burst are in X-RateLimit-Policy (`100;w=60;burst=150`, the IETF
 * RateLimit-Policy syntax), `burst` only when it exceeds the rate.
 */
export function decisionHeaders(d: Decision): Record<string, string> {
  const burst = d.burst > d.limit ? `;burst=${d.burst}` : "";
  return {
    "X-RateLimit-Limit": String(d.burst),
    "X-RateLimit-Remaining": String(Math.min(d.remaining, d.burst)),
    "X-RateLimit-Reset": String(d.resetSec),
    "X-RateLimit-Policy": `${d.limit};w=${Math.round(d.windowMs / 1000)}${burst}`,
  };
}
