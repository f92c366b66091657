import { partKey, type PartFile } from "@edge-ml/core/ingest/catalog";
import { compactedName, mergeParts } from "@edge-ml/core/ingest/compaction";
import type { CatalogObject } from "./objects/catalog";

/**
 * What compaction needs of a tenant's catalogue object, typed structurally: the ingest
 * worker reaches it through its own binding, the dispatcher through a cross-script one.
 */
export type PartCatalogue = Pick<CatalogObject, "parts" | "replaceParts">;

/**
 * Merges `inputs` (live parts of one day) into one file. Order of effects, each safe to
 * repeat: the merged file (named after its inputs) is written, the catalogue swaps inputs for
 * it in one update, then the inputs are deleted. A crash before the swap leaves an unlisted
 * file that the next run overwrites with the same bytes; after it, unlisted inputs.
 *
 * Safe beside another compaction of the same day (the schedule and a dispatch): the swap is
 * one call into the catalogue object, which runs one call at a time and swaps only when every
 * input is still live, so of two runs over shared inputs exactly one wins, and a retired input
 * never comes back. The loser then deletes what it left: its output unless that is live (the
 * winner had the same inputs, hence the same name and bytes), and its inputs that are no
 * longer live (their rows are in the winner's file). Returns whether this run's swap won.
 */
export async function compactParts(
  bucket: R2Bucket,
  catalog: PartCatalogue,
  tenantId: string,
  date: string,
  inputs: PartFile[],
): Promise<boolean> {
  const keys = inputs.map((p) => p.key).sort();
  const objects = await Promise.all(keys.map((k) => bucket.get(k)));
  if (objects.some((o) => !o)) {
    // Gone from R2: deleted by a run that merged it (no longer listed), or lost (still listed).
    const live = new Set((await catalog.parts()).map((p) => p.key));
    const lost = keys.filter((k, i) => !objects[i] && live.has(k));
    if (lost.length > 0) throw new Error(`catalogued part ${lost[0]} is missing from R2`);
    return false;
  }
  const merged = await mergeParts(await Promise.all(objects.map((o) => o!.arrayBuffer())));
  const key = partKey(tenantId, date, await compactedName(keys));
  await bucket.put(key, merged.buffer, {
    httpMetadata: { contentType: "application/vnd.apache.parquet" },
    customMetadata: { row_count: String(merged.rows), compacted_from: String(keys.length) },
  });
  const output = { key, date, rows: merged.rows, bytes: merged.buffer.byteLength };
  if (await catalog.replaceParts(tenantId, keys, output)) {
    await bucket.delete(keys);
    return true;
  }
  const live = new Set((await catalog.parts()).map((p) => p.key));
  const leftovers = [key, ...keys].filter((k) => !live.has(k));
  if (leftovers.length > 0) await bucket.delete(leftovers);
  return false;
}
