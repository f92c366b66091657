/**
 * The blend's weights, in the order of search-recommend-api.md: `[search, cf, popularity,
 * freshness]`. An experiment variant may override them (`ranking_weights`).
 */
export type Weights = readonly [search: number, cf: number, popularity: number, freshness: number];

export const DEFAULT_WEIGHTS: Weights = [0.4, 0.3, 0.2, 0.1];

/** Which signals exist for a request: no query, no search signal; no user signal, no cf. */
export type Present = { search: boolean; cf: boolean };

/**
 * The weights a request actually uses: a signal that does not exist for it gets weight 0
 * and the others are rescaled to sum to 1, so scores stay on one 0..1 scale whether or not
 * the caller sent a query or a known user. With nothing but popularity and freshness the
 * defaults become [0, 0, 2/3, 1/3].
 */
export function effectiveWeights(base: Weights, present: Present): Weights {
  const w = [present.search ? base[0] : 0, present.cf ? base[1] : 0, base[2], base[3]] as const;
  const sum = w[0] + w[1] + w[2] + w[3];
  if (!(sum > 0)) return [0, 0, 1, 0];
  // Weights that already sum to 1 are returned as given ([0.4, 0.3, 0.2, 0.1], not 0.4000000000000001).
  if (Math.abs(sum - 1) < 1e-12) return w;
  return [w[0] / sum, w[1] / sum, w[2] / sum, w[3] / sum];
}

/** Refuses weights a variant could send by mistake: four finite, non-negative numbers, not all 0. */
export function checkWeights(w: readonly number[]): string | undefined {
  if (w.length !== 4) return "ranking_weights must have 4 numbers: [search, cf, popularity, freshness]";
  if (w.some((x) => !Number.isFinite(x) || x < 0)) return "ranking_weights must be finite and non-negative";
  if (w.every((x) => x === 0)) return "ranking_weights must not all be 0";
  return undefined;
}
