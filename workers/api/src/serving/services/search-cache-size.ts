import { MAX_RESULTS } from "@edge-ml/core/schemas";
import { OBJECT_BYTES, slotBytes, stringBytes, type CacheBudget } from "../../lib/ttl-cache";

/**
 * The search cache's budget (docs/decisions.md, "Per-isolate memory budgets"). An entry holds
 * its results as a promise, unknown when the entry is made, so each is counted as a full one:
 * MAX_RESULTS results (the ranking keeps every candidate with any relevance, usually all
 * 100) of a 36-character id and a 120-character reason, about 39 kB. 8 MiB so keep about
 * 215 queries: 5,000 full entries, the entry cap, would be some 190 MB, past an isolate.
 */
export const SEARCH_CACHE_BYTES = 8 << 20;
const RESULT_BYTES = OBJECT_BYTES + 8 + stringBytes("x".repeat(36)) + stringBytes("x".repeat(120));

export const searchEntryBytes: CacheBudget<string, { stamp: string }> = {
  maxBytes: SEARCH_CACHE_BYTES,
  sizeOf: (key, entry) => slotBytes(key) + 3 * OBJECT_BYTES + stringBytes(entry.stamp) + MAX_RESULTS * RESULT_BYTES,
};
