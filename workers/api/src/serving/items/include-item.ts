import { itemFacts } from "../services/catalog-reads";

export type WithItemFields<T> = T & { title?: string; category?: string | null };

/**
 * `include=item`: each result with its item's title and category. One batched catalogue read
 * for the whole list, through the isolate's cache of item facts that ranking reads too
 * (catalog-reads.ts), so a list ranked a moment ago costs no D1 round trip. An item deleted
 * since it was ranked (a cached list can outlive it) keeps neither field.
 */
export async function withItemFields<T extends object>(
  db: D1Database,
  tenantId: string,
  results: T[],
  idOf: (result: T) => string,
): Promise<WithItemFields<T>[]> {
  if (results.length === 0) return results;
  const facts = await itemFacts(db, tenantId, results.map(idOf));
  return results.map((r) => {
    const item = facts.get(idOf(r));
    return item ? { ...r, title: item.title, category: item.category } : r;
  });
}
