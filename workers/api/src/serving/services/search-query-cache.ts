import { TtlCache } from "../../lib/ttl-cache";
import type { ServingContext } from "./context";
import { searchCandidatesBudget } from "./search-cache-size";
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

/**
 * The candidates once retrieved, never the retrieval's promise: one request's I/O must not be
 * awaited by another (workerd cancels it with its request); a stale entry still triggers one
 * background refresh.
 */
type Entry = { candidates: QueryCandidates; madeAt: number; refreshing?: boolean };
const cache = new TtlCache<string, Entry>(SEARCH_CACHE_ENTRIES, SEARCH_CACHE_STALE_MS, searchCandidatesBudget);

/**
 * Keys being retrieved in this isolate now. A first miss of a query that another request is
 * already retrieving waits for that entry (polling the cache on its own timers, so it never
 * awaits the other request's I/O) instead of retrieving too: on a cold isolate, 24 searches a
 * second over 40 queries each retrieved at 100,000 items, and the mix stalled for 10 s
 * (docs/benchmarks.md, "Soak", run 4). A waiter whose peer fails or takes longer than
 * PEER_WAIT_MS retrieves itself. The map holds only retrievals in flight.
 */
const inFlight = new Map<string, symbol>();
export const PEER_WAIT_MS = 2000;
const PEER_POLL_MS = 5;

async function peerEntry(key: string): Promise<Entry | undefined> {
  // Counted in polls, not by the clock: workerd's clock moves only across I/O.
  for (let i = 0; i < PEER_WAIT_MS / PEER_POLL_MS && inFlight.has(key); i++) {
    await new Promise((r) => setTimeout(r, PEER_POLL_MS));
    const hit = cache.get(key);
    if (hit) return hit;
  }
  return cache.get(key);
}

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
  const hit = cache.get(key) ?? (inFlight.has(key) ? await peerEntry(key) : undefined);
  if (hit) {
    if (Date.now() - hit.madeAt >= SEARCH_CACHE_FRESH_MS && !hit.refreshing) {
      hit.refreshing = true;
      waitUntil(retrieve(ctx, key, query).catch(() => (hit.refreshing = false)));
    }
    return { candidates: hit.candidates, cacheHit: true };
  }
  return { candidates: await retrieve(ctx, key, query), cacheHit: false };
}

/** Retrieves and caches the candidates; a failed retrieval caches nothing (the stale entry stays). */
async function retrieve(ctx: ServingContext, key: string, query: string): Promise<QueryCandidates> {
  const mine = Symbol(key);
  inFlight.set(key, mine);
  try {
    const candidates = await retrieveCandidates(ctx, query);
    cache.set(key, { candidates, madeAt: Date.now() });
    return candidates;
  } finally {
    if (inFlight.get(key) === mine) inFlight.delete(key);
  }
}
