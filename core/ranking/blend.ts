import { effectiveWeights, type Weights } from "./weights";

/** The raw signals of one candidate; `search` is absent without a query, `cf` without a user signal. */
export type Signals = { search?: number; cf?: number; popularity: number; freshness: number };

/** The contract's breakdown (search-recommend-api.md, ranking explanation). */
export type Breakdown = {
  search_score: number;
  cf_score: number;
  popularity_score: number;
  freshness_score: number;
};

export type Blended = { score: number; breakdown: Breakdown; weights: Weights };

/**
 * The one scoring formula of search and recommendations.
 *
 * With a query, relevance gates the other signals: each counts in proportion to the
 * item's search score, so a popular or fresh item that does not answer the query cannot
 * outrank one that does (a plain weighted sum lets the best-selling bag beat the exact
 * product a shopper typed). The breakdown reports the gated values, so that always
 *   score = w_search * search_score + w_cf * cf_score + w_pop * popularity_score + w_fresh * freshness_score
 * with the effective weights returned beside it: the explanation is the arithmetic.
 */
export function blend(signals: Signals, base: Weights, present: { search: boolean; cf: boolean }): Blended {
  const weights = effectiveWeights(base, present);
  const gate = present.search ? (signals.search ?? 0) : 1;
  const breakdown: Breakdown = {
    search_score: present.search ? (signals.search ?? 0) : 0,
    cf_score: present.cf ? gate * (signals.cf ?? 0) : 0,
    popularity_score: gate * signals.popularity,
    freshness_score: gate * signals.freshness,
  };
  const score =
    weights[0] * breakdown.search_score +
    weights[1] * breakdown.cf_score +
    weights[2] * breakdown.popularity_score +
    weights[3] * breakdown.freshness_score;
  return { score, breakdown, weights };
}
