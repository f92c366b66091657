import { TtlCache } from "../../lib/ttl-cache";
import type { ServingContext } from "./context";
import { retrieveCandidates, type QueryCandidates } from "./search-candidates";

/**
 * Entries per isolate and their lifetime. Popular queries repeat (a catalogue's head terms,
 * the same few words from many shoppers), so most searches are answered from here. An
 * entry is fresh for SEARCH_CACHE_FRESH_MS: a catalogue edit or a popularity change shows
 * in cached results within that. Until SEARCH_CACHE_STALE_MS an older entry is still
 * served while one background retrieval refreshes it (stale-while-revalidate), so a popular
 * query never waits for retrieval once it has been answered.
 */
export const SEARCH_CACHE_ENTRIES = 5000;
export const SEARCH_CACHE_FRESH_MS = 30_000;
export const SEARCH_CACHE_STALE_MS = 300_000;

/** The candidates as a promise: concurrent misses of one query share one retrieval (no stampede). */
type Entry = { candidates: Promise<QueryCandidates>; madeAt: number; refreshing?: boolean };
const cache = new TtlCache<string, Entry>(SEARCH_CACHE_ENTRIES, SEARCH_CACHE_STALE_MS);

/**
 * A query's candidates with their user-independent signals (search-candidates.ts), cached
 * per tenant and query for every user and every weighting: the blend and the user's cf
 * are applied after. The key holds the text space (index scope, encoder version), whose
 * change retrieves anew. No user's interaction touches an entry.
 */
export async function cachedCandidates(
  ctx: ServingContext,
  query: string,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<{ candidates: QueryCandidates; cacheHit: boolean }> {
  const key = JSON.stringify([ctx.tenantId, query, ctx.textVectors.scope, ctx.encoder.version]);
  const hit = cache.get(key);
  if (hit) {
    if (Date.now() - hit.madeAt >= SEARCH_CACHE_FRESH_MS && !hit.refreshing) {
      hit.refreshing = true;
      waitUntil(retrieve(ctx, key, query).catch(() => (hit.refreshing = false)));
    }
    return { candidates: await hit.candidates, cacheHit: true };
  }
  return { candidates: await retrieve(ctx, key, query), cacheHit: false };
}

/** Retrieves and caches the candidates once they are known; concurrent callers share the promise. */
function retrieve(ctx: ServingContext, key: string, query: string): Promise<QueryCandidates> {
  const candidates = retrieveCandidates(ctx, query);
  const entry: Entry = { candidates, madeAt: Date.now() };
  const previous = cache.get(key);
  // A refresh replaces the stale entry only when it has its candidates: until then the
  // stale ones keep being served. A first retrieval is shared at once.
  if (previous)
    void candidates.then(
      () => cache.set(key, entry),
      () => {},
    );
  else {
    cache.set(key, entry);
    // A failed retrieval must not stay cached (unless a newer entry replaced it already).
    candidates.catch(() => cache.get(key) === entry && cache.delete(key));
  }
  return candidates;
}
