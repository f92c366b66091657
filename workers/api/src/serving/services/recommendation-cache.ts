import type { HistoryEvent } from "@edge-ml/core/recommend/profile";
import type { RecommendationFiltersInput } from "@edge-ml/core/schemas";
import type { Weights } from "@edge-ml/core/ranking/weights";
import { OBJECT_BYTES, slotBytes, stringBytes, TtlCache } from "../../lib/ttl-cache";
import type { StampRow } from "./catalog-reads";

/** A served list as the cache keeps it: everything a response needs, nothing recomputed. */
export type CachedRecommendation = {
  itemId: string;
  score: number;
  distance: number | null;
  category: string | null;
  createdAt: string;
  /** The explanation sentence of the ranking that produced it. */
  reason: string;
};
type Entry = { stamp: string; items: CachedRecommendation[] };

/** Entries per isolate and their lifetime: the bound on staleness from catalogue edits. */
export const RECOMMENDATION_CACHE_ENTRIES = 5000;
export const RECOMMENDATION_CACHE_TTL_MS = 60_000;

/** The bytes a list may hold (docs/decisions.md, "Per-isolate memory budgets"). */
export const RECOMMENDATION_CACHE_BYTES = 6 << 20;

function entryBytes(key: string, { stamp, items }: Entry): number {
  let bytes = slotBytes(key) + 2 * OBJECT_BYTES + stringBytes(stamp);
  for (const i of items) {
    bytes += OBJECT_BYTES + 16 + stringBytes(i.itemId) + stringBytes(i.category ?? "") + stringBytes(i.createdAt);
    bytes += stringBytes(i.reason);
  }
  return bytes;
}

const cache = new TtlCache<string, Entry>(RECOMMENDATION_CACHE_ENTRIES, RECOMMENDATION_CACHE_TTL_MS, {
  maxBytes: RECOMMENDATION_CACHE_BYTES,
  sizeOf: entryBytes,
});

/**
 * Per-isolate cache of ranked recommendations. The key holds what changes the ranking
 * (tenant, user, filters, weights, model version); the entry holds a stamp of the user's
 * history as read for the request. Serving always reads the history (one indexed D1 read),
 * so the moment an interaction of the user lands, the stamp differs and the entry is
 * recomputed: a new click is never answered from the cache. A new model version changes
 * the key. `count` and `min_score` are applied after the cache, so they share entries.
 */
export function cacheKey(
  tenantId: string,
  userId: string,
  filters: RecommendationFiltersInput,
  weights: Weights,
  modelVersion: string,
  /** The tenant's consumed-set policy (type bits): a changed policy retires the lists made under the old one. */
  consumedPolicy: number,
): string {
  const f = {
    c: filters.categories ? [...filters.categories].sort() : null,
    x: filters.exclude_ids ? [...new Set(filters.exclude_ids)].sort() : null,
  };
  return JSON.stringify([tenantId, userId, modelVersion, weights, f, consumedPolicy]);
}

/** What a cached list was made from: the newest events and every arrival (see recentHistory). */
export function historyStamp(history: HistoryEvent[] & { arrivals?: string }): string {
  return stampString(
    history.length,
    history.arrivals ?? "",
    history.slice(0, STAMP_NEWEST).map((e) => [e.itemId, e.type, e.ts]),
  );
}

/** How many of the newest events a stamp names. */
export const STAMP_NEWEST = 3;

function stampString(length: number, arrivals: string, newest: [string, string, number][]): string {
  return JSON.stringify([length, arrivals, newest]);
}

/** The same stamp from a HISTORY_STAMP_SQL row (catalog-reads.ts): computed in D1, without the history. */
export function stampOf(row: StampRow | undefined): string {
  if (!row || row.length === 0) return stampString(0, "", []);
  return stampString(row.length, row.arrivals, JSON.parse(row.newest) as [string, string, number][]);
}

export function cachedRecommendations(key: string, stamp: string): CachedRecommendation[] | undefined {
  const hit = cache.get(key);
  return hit && hit.stamp === stamp ? hit.items : undefined;
}

export function cacheRecommendations(key: string, stamp: string, items: CachedRecommendation[]): void {
  cache.set(key, { stamp, items });
}
