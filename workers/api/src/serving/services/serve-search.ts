import { explanationSentence } from "@edge-ml/core/ranking/explain";
import { MAX_RESULTS } from "@edge-ml/core/schemas";
import { TtlCache } from "../../lib/ttl-cache";
import { userAffinity } from "./affinity";
import { searchResultsBudget } from "./search-cache-size";
import { recentHistory } from "./catalog-reads";
import { deployedRecommender, servingModelVersion, type ServingContext } from "./context";
import { historyStamp } from "./recommendation-cache";
import type { QueryCandidates } from "./search-candidates";
import { cachedCandidates, SEARCH_CACHE_ENTRIES, SEARCH_CACHE_STALE_MS } from "./search-query-cache";
import { rankForUser, type SearchRanking } from "./search-ranking";

export { SEARCH_CACHE_ENTRIES, SEARCH_CACHE_FRESH_MS, SEARCH_CACHE_STALE_MS } from "./search-query-cache";

export type SearchResult = { productId: string; score: number; reason: string };
export type ServedSearch = { results: SearchResult[]; cacheHit: boolean };

/**
 * The results ranked from one cached candidate list (`source`) for one reader: the user's
 * history stamp says which affinity ranked them, so an interaction retires only this.
 */
type Ranked = { stamp: string; source: QueryCandidates; results: SearchResult[] };
// Values, not promises: a promise made by one request's I/O must not be awaited by another
// (workerd cancels it with its request). Concurrent misses of one key each rank.
const ranked = new TtlCache<string, Ranked>(SEARCH_CACHE_ENTRIES, SEARCH_CACHE_STALE_MS, searchResultsBudget);

/**
 * Search as the route serves it: the best MAX_RESULTS results (candidates with no relevance
 * at all, far vector neighbours, are not results), sliced to `k`, so every `k` shares one
 * entry. Two levels, so that personalization never retrieves again:
 * - the query's candidates and their user-independent signals, per tenant and query, with
 *   the freshness rules of search-query-cache.ts (the only thing that retrieves);
 * - the results of those candidates for one user (or none) under the request's weights and
 *   model version: the user's affinity applied to the cached candidates. Its entry holds the
 *   user's history stamp, so an interaction re-ranks that user's results (never answered
 *   from cache, as for recommendations) on the same candidates, without retrieval.
 * X-Cache says HIT when neither retrieval nor ranking ran for the request (an anonymous
 * search only re-blends, so its hit is the candidates' hit).
 */
export async function serveSearch(
  ctx: ServingContext,
  query: string,
  k: number,
  userId: string | undefined,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<ServedSearch> {
  const [model, history, { candidates, cacheHit }] = await Promise.all([
    userId ? deployedRecommender(ctx) : undefined,
    userId ? recentHistory(ctx.db, ctx.tenantId, userId) : undefined,
    cachedCandidates(ctx, query, waitUntil),
  ]);
  const key = JSON.stringify([
    ctx.tenantId,
    query,
    userId ?? null,
    ctx.weights,
    userId ? servingModelVersion(ctx, model) : null,
  ]);
  const stamp = history ? historyStamp(history) : "";
  const hit = ranked.get(key);
  if (hit && hit.stamp === stamp && hit.source === candidates) return { results: hit.results.slice(0, k), cacheHit };
  // A failed ranking throws before anything is cached.
  const results = await resultsOf(
    rankForUser(ctx, candidates, userId ? await userAffinity(ctx, userId, model, history) : undefined),
  );
  ranked.set(key, { stamp, source: candidates, results });
  return { results: results.slice(0, k), cacheHit: cacheHit && !userId };
}

/** The served form of a ranking: results only, best MAX_RESULTS, with their reasons. */
export async function resultsOf(ranking: Promise<SearchRanking>): Promise<SearchResult[]> {
  const { ranked } = await ranking;
  return ranked
    .filter((r) => r.breakdown.search_score > 0)
    .slice(0, MAX_RESULTS)
    .map((r) => ({
      productId: r.id,
      score: r.score,
      reason: explanationSentence(r, { exactTitle: r.exactTitle, keyword: r.keyword }),
    }));
}
