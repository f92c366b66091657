import { explanationSentence } from "@edge-ml/core/ranking/explain";
import { MAX_RESULTS } from "@edge-ml/core/schemas";
import { TtlCache } from "../../lib/ttl-cache";
import { searchEntryBytes } from "./search-cache-size";
import { recentHistory } from "./catalog-reads";
import { deployedRecommender, servingModelVersion, type ServingContext } from "./context";
import { historyStamp } from "./recommendation-cache";
import { searchRanking } from "./search-ranking";

export type SearchResult = { productId: string; score: number; reason: string };
export type ServedSearch = { results: SearchResult[]; cacheHit: boolean };

/**
 * Entries per isolate and their lifetime. Popular queries repeat (a catalogue's head terms,
 * the same few words from many shoppers), so most searches are answered from here. An
 * entry is fresh for SEARCH_CACHE_FRESH_MS: a catalogue edit or a popularity change shows
 * in cached results within that. Until SEARCH_CACHE_STALE_MS an older entry is still
 * served while one background ranking refreshes it (stale-while-revalidate), so a popular
 * query never waits for a full ranking once it has been answered.
 */
export const SEARCH_CACHE_ENTRIES = 5000;
export const SEARCH_CACHE_FRESH_MS = 30_000;
export const SEARCH_CACHE_STALE_MS = 300_000;

/** The results as a promise: concurrent misses of one query share one ranking (no stampede). */
type Entry = { stamp: string; results: Promise<SearchResult[]>; madeAt: number; refreshing?: boolean };
const cache = new TtlCache<string, Entry>(SEARCH_CACHE_ENTRIES, SEARCH_CACHE_STALE_MS, searchEntryBytes);

/**
 * Search as the route serves it: the best MAX_RESULTS results of the ranking (candidates
 * with no relevance at all, far vector neighbours, are not results), cached per query and
 * sliced to `k`, so every `k` shares one entry. A personalized search also reads the
 * user's history, and its entry holds the history's stamp: a new interaction of the user
 * is never answered from the cache (as for recommendations). The key holds the tenant, the
 * weights and the serving model version, so a deploy starts new entries.
 */
export async function serveSearch(
  ctx: ServingContext,
  query: string,
  k: number,
  userId: string | undefined,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<ServedSearch> {
  const [model, history] = userId
    ? await Promise.all([deployedRecommender(ctx), recentHistory(ctx.db, ctx.tenantId, userId)])
    : [undefined, undefined];
  const key = JSON.stringify([
    ctx.tenantId,
    query,
    userId ?? null,
    ctx.weights,
    userId ? servingModelVersion(ctx, model) : null,
  ]);
  const stamp = history ? historyStamp(history) : "";
  const opts = userId ? { userId, model, history } : {};
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) {
    if (Date.now() - hit.madeAt >= SEARCH_CACHE_FRESH_MS && !hit.refreshing) {
      hit.refreshing = true;
      waitUntil(rank(key, stamp, () => rankResults(ctx, query, opts)).catch(() => (hit.refreshing = false)));
    }
    return { results: (await hit.results).slice(0, k), cacheHit: true };
  }
  const results = await rank(key, stamp, () => rankResults(ctx, query, opts));
  return { results: results.slice(0, k), cacheHit: false };
}

/** Ranks and caches the results once they are known; concurrent callers share the promise. */
function rank(key: string, stamp: string, ranking: () => Promise<SearchResult[]>): Promise<SearchResult[]> {
  const results = ranking();
  const entry: Entry = { stamp, results, madeAt: Date.now() };
  const previous = cache.get(key);
  // A refresh replaces the stale entry only when it has its results: until then the stale
  // ones keep being served. A first ranking is shared at once.
  if (previous && previous.stamp === stamp)
    void results.then(
      () => cache.set(key, entry),
      () => {},
    );
  else {
    cache.set(key, entry);
    // A failed ranking must not stay cached (unless a newer entry replaced it already).
    results.catch(() => cache.get(key) === entry && cache.delete(key));
  }
  return results;
}

async function rankResults(
  ctx: ServingContext,
  query: string,
  opts: Parameters<typeof searchRanking>[2],
): Promise<SearchResult[]> {
  const { ranked } = await searchRanking(ctx, query, opts);
  return ranked
    .filter((r) => r.breakdown.search_score > 0)
    .slice(0, MAX_RESULTS)
    .map((r) => ({
      productId: r.id,
      score: r.score,
      reason: explanationSentence(r, { exactTitle: r.exactTitle, keyword: r.keyword }),
    }));
}
