import { OBJECT_BYTES, slotBytes, stringBytes, type CacheBudget } from "../../lib/ttl-cache";
import type { SearchResult } from "./serve-search";
import type { QueryCandidates } from "./search-candidates";

/**
 * The two search caches' budgets (docs/decisions.md, "Per-isolate memory budgets"), each
 * entry measured as it is stored (the caches hold values, not promises).
 * - Results per user and query: up to MAX_RESULTS (100) results of an id, a score and a
 *   reason, about 30-40 kB full; 8 MiB keeps some 215 full lists, more of the usual short ones.
 * - Candidates per query: up to 250 (keyword matches plus the query vector's 50 neighbours),
 *   each with its signals and item facts, about 1 kB; 12 MiB keeps some 50 full queries.
 */
export const SEARCH_RESULTS_BYTES = 8 << 20;
export const SEARCH_CANDIDATES_BYTES = 12 << 20;

/** An object with `fields` number-or-boolean fields. */
const objectBytes = (fields: number) => OBJECT_BYTES + 8 * fields;

export const searchResultsBudget: CacheBudget<string, { stamp: string; results: SearchResult[] }> = {
  maxBytes: SEARCH_RESULTS_BYTES,
  sizeOf: (key, entry) =>
    slotBytes(key) +
    stringBytes(entry.stamp) +
    entry.results.reduce((n, r) => n + objectBytes(1) + stringBytes(r.productId) + stringBytes(r.reason), 0),
};

export const searchCandidatesBudget: CacheBudget<string, { candidates: QueryCandidates }> = {
  maxBytes: SEARCH_CANDIDATES_BYTES,
  sizeOf: (key, entry) =>
    slotBytes(key) +
    entry.candidates.candidates.reduce(
      (n, c) =>
        n +
        objectBytes(2) +
        stringBytes(c.id) +
        objectBytes(8) + // signals
        objectBytes(1) +
        stringBytes(c.facts.title) +
        stringBytes(c.facts.category ?? "") +
        stringBytes(c.facts.createdAt),
      0,
    ),
};
