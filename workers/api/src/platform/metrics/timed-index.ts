import { indexSizeBucket } from "@edge-ml/core/metrics/families";
import type { VectorIndex } from "@edge-ml/core/vector/types";
import { recordAnnSearch } from "./recorder";

/**
 * A tenant's vector index with its nearest-neighbour queries timed for
 * ml_ann_search_duration_seconds. The index_size label comes from `describe()`, asked at most
 * once per tenant and SIZE_TTL_MS per isolate and never awaited by a query: until it answers
 * the label is "unknown" (a describe is a call to the index, not worth a query's latency).
 */
const SIZE_TTL_MS = 5 * 60_000;
const MAX_TENANTS_HELD = 1000;
const sizes = new Map<string, { bucket: string; at: number; asking?: boolean }>();

function sizeOf(index: VectorIndex, tenantId: string): string {
  const now = Date.now();
  const held = sizes.get(tenantId);
  if (held && (held.asking || now - held.at < SIZE_TTL_MS)) return held.bucket;
  const entry = { bucket: held?.bucket ?? "unknown", at: now, asking: true };
  if (sizes.size >= MAX_TENANTS_HELD && !held) sizes.delete(sizes.keys().next().value!);
  sizes.set(tenantId, entry);
  index
    .describe()
    .then((d) => sizes.set(tenantId, { bucket: indexSizeBucket(d.vectorCount), at: Date.now() }))
    .catch(() => sizes.set(tenantId, { bucket: entry.bucket, at: Date.now() }));
  return entry.bucket;
}

export function timedIndex(index: VectorIndex, tenantId: string): VectorIndex {
  const time = async <T>(run: () => Promise<T>): Promise<T> => {
    const bucket = sizeOf(index, tenantId);
    const started = performance.now();
    try {
      return await run();
    } finally {
      recordAnnSearch(tenantId, bucket, (performance.now() - started) / 1000);
    }
  };
  const timed: VectorIndex = {
    query: (vector, options) => time(() => index.query(vector, options)),
    insert: (v) => index.insert(v),
    upsert: (v) => index.upsert(v),
    getByIds: (ids) => index.getByIds(ids),
    deleteByIds: (ids) => index.deleteByIds(ids),
    describe: () => index.describe(),
  };
  if (index.queryMany) {
    const many = index.queryMany.bind(index);
    timed.queryMany = (queries) => time(() => many(queries));
  }
  return timed;
}
