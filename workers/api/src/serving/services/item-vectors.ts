import { vectorIdFor } from "@edge-ml/core/vector/indexes";
import type { Match, MetadataFilter, VectorIndex } from "@edge-ml/core/vector/types";
import { slotBytes, TtlCache, typedArrayBytes } from "../../lib/ttl-cache";
import { recordEmbeddingCache } from "../../platform/metrics/recorder";

/**
 * Item vectors read for ranking are kept per isolate for a minute, within one memory budget
 * for every dimension count (a budget per count grew with the number of counts: a tenant's
 * model factors and the text encoder's). Float32 with its key and slot, so about 13,500
 * vectors of 128-d or 6,400 of 384-d: the same
 * popular items and near neighbours are candidates of request after request, and each
 * read is a call to every shard holding them. An item re-embedded after an edit is ranked
 * on its old vector for at most VECTOR_CACHE_TTL_MS in an isolate that read it before.
 */
export const VECTOR_CACHE_BYTES = 12 * 1024 * 1024;
export const VECTOR_CACHE_TTL_MS = 60_000;
/** The entry cap is never the bound that binds: 12 MiB hold fewer than 65,536 vectors of any size. */
const cache = new TtlCache<string, Float32Array>(65_536, VECTOR_CACHE_TTL_MS, {
  maxBytes: VECTOR_CACHE_BYTES,
  sizeOf: (key, v) => slotBytes(key) + typedArrayBytes(v),
});

/**
 * Names a tenant index for the cache: the index's own objects (tenant, index name and
 * version), so two tenants or two model versions never share an entry.
 */
export type CachedIndex = { index: VectorIndex; scope: string; tenantId: string; dimensions: number };

/**
 * The stored vectors of `itemIds` (item ids, not vector ids); items without one are absent.
 * The arrays are the cache's own: read them, never write them.
 */
export async function vectorsOf(source: CachedIndex, itemIds: string[]): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  const missing: string[] = [];
  for (const id of new Set(itemIds)) {
    const hit = cache.get(`${source.scope}|${id}`);
    if (hit) out.set(id, hit);
    else missing.push(id);
  }
  recordEmbeddingCache(source.tenantId, out.size, missing.length);
  if (missing.length === 0) return out;
  const vectorIds = await Promise.all(missing.map((id) => vectorIdFor(id)));
  const itemOf = new Map(vectorIds.map((v, i) => [v, missing[i]!]));
  const found = await source.index.getByIds(vectorIds);
  for (const r of found) {
    const itemId = itemOf.get(r.id);
    if (itemId === undefined) continue;
    // The local index sends each vector as its own Float32Array; Vectorize may send numbers,
    // or views of one buffer, which the cache's byte budget must not keep whole.
    const own = r.values instanceof Float32Array && r.values.byteLength === r.values.buffer.byteLength;
    const vector = own ? (r.values as Float32Array) : Float32Array.from(r.values);
    cache.set(`${source.scope}|${itemId}`, vector);
    out.set(itemId, vector);
  }
  return out;
}

/** Nearest items to `vector` as item ids with their similarity (the index's score). */
export async function nearestItems(
  index: VectorIndex,
  vector: ArrayLike<number>,
  topK: number,
  filter?: MetadataFilter,
): Promise<Nearest[]> {
  const { matches } = await index.query(Array.from(vector), {
    topK,
    returnMetadata: "indexed",
    ...(filter ? { filter } : {}),
  });
  return matches.map(toNearest);
}

export type NearestQuery = { vector: ArrayLike<number>; topK: number };
export type Nearest = { itemId: string; score: number };

/**
 * `nearestItems` for several queries: one call per shard where the index answers batches
 * (the Durable Object index), one query each elsewhere (Vectorize).
 */
export async function nearestItemsMany(
  index: VectorIndex,
  queries: NearestQuery[],
  filter?: MetadataFilter,
): Promise<Nearest[][]> {
  if (queries.length === 0) return [];
  const batch = queries.map((q) => ({
    vector: Array.from(q.vector),
    options: { topK: q.topK, returnMetadata: "indexed" as const, ...(filter ? { filter } : {}) },
  }));
  const results = index.queryMany
    ? await index.queryMany(batch)
    : await Promise.all(batch.map((q) => index.query(q.vector, q.options)));
  return results.map(({ matches }) => matches.map(toNearest));
}

/** A match as an item: the vector id is a digest for long item ids, the metadata has the item's. */
function toNearest(m: Match): Nearest {
  return { itemId: String(m.metadata?.item_id ?? m.id), score: m.score };
}
