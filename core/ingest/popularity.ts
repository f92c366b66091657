/**
 * Time-decayed popularity with additive updates. A weight w at time t contributes
 * w * 2^((t - EPOCH) / HALF_LIFE) to a stored score; the decayed score at time `now` is
 * stored * 2^(-(now - EPOCH) / HALF_LIFE). Every item shares that factor, so ranking by the
 * stored score is ranking by decayed score, and concurrent increments commute (no read).
 * 2^1023 is reached 1023 half-lives after the epoch (about 19 years at 7 days): rebase
 * before then by multiplying every stored score by one constant.
 */
export const POPULARITY_EPOCH_MS = Date.UTC(2024, 0, 1);
export const POPULARITY_HALF_LIFE_MS = 7 * 24 * 3600 * 1000;

export function popularityIncrement(weight: number, atMs: number): number {
  return weight * 2 ** ((atMs - POPULARITY_EPOCH_MS) / POPULARITY_HALF_LIFE_MS);
}

export function decayedPopularity(stored: number, nowMs: number): number {
  return stored * 2 ** (-(nowMs - POPULARITY_EPOCH_MS) / POPULARITY_HALF_LIFE_MS);
}
