import { vectorIdFor } from "@edge-ml/core/vector/indexes";
import type { MetadataFilter, VectorIndex } from "@edge-ml/core/vector/types";

/** The stored vectors of `itemIds` (item ids, not vector ids); items without one are absent. */
export async function vectorsOf(index: VectorIndex, itemIds: string[]): Promise<Map<string, number[]>> {
  const unique = [...new Set(itemIds)];
  const vectorIds = await Promise.all(unique.map((id) => vectorIdFor(id)));
  const itemOf = new Map(vectorIds.map((v, i) => [v, unique[i]!]));
  const found = await index.getByIds(vectorIds);
  const out = new Map<string, number[]>();
  for (const r of found) {
    const itemId = itemOf.get(r.id);
    if (itemId !== undefined) out.set(itemId, Array.from(r.values));
  }
  return out;
}

/** Nearest items to `vector` as item ids with their similarity (the index's score). */
export async function nearestItems(
  index: VectorIndex,
  vector: ArrayLike<number>,
  topK: number,
  filter?: MetadataFilter,
): Promise<{ itemId: string; score: number }[]> {
  const { matches } = await index.query(Array.from(vector), {
    topK,
    returnMetadata: "indexed",
    ...(filter ? { filter } : {}),
  });
  return matches.map((m) => ({ itemId: String(m.metadata?.item_id ?? m.id), score: m.score }));
}
