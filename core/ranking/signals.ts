import { decayedPopularity } from "../ingest/popularity";
import { tokenize } from "../text/hashed-encoder";

/**
 * The four ranking signals, each on 0..1, computed from what serving reads (keyword and
 * vector matches, the user's vector, popularity counters, the item's age). Pure functions,
 * so the ranking and its explanation are the same arithmetic.
 */

/** How much an item's text answers the query: keyword (BM25), meaning (vectors), title. */
export type Relevance = { keyword: number; vector: number; title: number };

/** Shares of the search signal; the title share is what puts an item named exactly as the query first. */
export const RELEVANCE_MIX = { keyword: 0.4, vector: 0.3, title: 0.3 } as const;

export function searchSignal(r: Relevance): number {
  return clamp01(RELEVANCE_MIX.keyword * r.keyword + RELEVANCE_MIX.vector * r.vector + RELEVANCE_MIX.title * r.title);
}

/**
 * BM25 relative to the best keyword match of the query (FTS5's bm25() is lower-is-better,
 * negative): 1 for the best, 0 for no keyword match.
 */
export function keywordSignal(bm25: number | undefined, bestBm25: number | undefined): number {
  if (bm25 === undefined || bestBm25 === undefined || bestBm25 >= 0) return 0;
  return clamp01(bm25 / bestBm25);
}

/** Cosine similarity below 0 says "unrelated", not "negatively related": clipped to 0..1. */
export function similaritySignal(cosine: number | undefined): number {
  return cosine === undefined || Number.isNaN(cosine) ? 0 : clamp01(cosine);
}

/**
 * Word overlap of query and title (Jaccard over distinct words): 1 when the title is exactly
 * the query's words, lower as either has words the other lacks.
 */
export function titleSignal(queryWords: ReadonlySet<string>, title: string): number {
  if (queryWords.size === 0) return 0;
  const titleWords = new Set(tokenize(title));
  let both = 0;
  for (const w of queryWords) if (titleWords.has(w)) both++;
  const union = queryWords.size + titleWords.size - both;
  return union === 0 ? 0 : both / union;
}

/**
 * Popularity on a log scale relative to the tenant's most popular item, so the head does
 * not flatten everyone else to 0. Stored scores share one decay factor (core/ingest/popularity).
 */
export function popularitySignal(stored: number | undefined, maxStored: number | undefined, nowMs: number): number {
  if (!stored || !maxStored || stored <= 0 || maxStored <= 0) return 0;
  const top = Math.log1p(decayedPopularity(maxStored, nowMs));
  return top > 0 ? clamp01(Math.log1p(decayedPopularity(stored, nowMs)) / top) : 0;
}

/** Half-life of an item's freshness: a 30-day-old item counts half as fresh as a new one. */
export const FRESHNESS_HALF_LIFE_DAYS = 30;

export function freshnessSignal(createdAt: string | undefined, nowMs: number): number {
  const t = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
  if (Number.isNaN(t)) return 0;
  const ageDays = Math.max(0, nowMs - t) / 86_400_000;
  return 2 ** (-ageDays / FRESHNESS_HALF_LIFE_DAYS);
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
