import { sha256Hex } from "../auth/secrets";
import { LOCAL_ENCODER_DIMENSIONS } from "../text/hashed-encoder";
import { shardMaxRows } from "./budget";
import { LIMITS, type Metric } from "./types";

/**
 * The vector indexes a tenant has. Each is fixed in dimensions and metric, as a Vectorize
 * index is: item text vectors from the text encoder now; the recommendation model's item
 * factors (128-d) join with the training issue.
 */
export type IndexSpec = {
  name: string;
  dimensions: number;
  metric: Metric;
  /**
   * Shard objects holding the index (default 1), fixed at creation: each holds at most
   * `shardMaxRows(dimensions)` rows (core/vector/shards.ts), so the count sets the capacity.
   */
  shards?: number;
};

/** Items per tenant the text index is sized for. */
export const TEXT_INDEX_CAPACITY = 120_000;

/**
 * A tenant's item text vectors in `dimensions` (the encoder's), with enough shards for
 * TEXT_INDEX_CAPACITY items: 4 at the local encoder's 128-d (34,192 rows each), 9 at bge-small's
 * 384-d. Fewer shards, fewer RPCs per query.
 */
export function textIndexSpec(dimensions: number = LOCAL_ENCODER_DIMENSIONS): IndexSpec {
  return {
    name: "text",
    dimensions,
    metric: "cosine",
    shards: Math.ceil(TEXT_INDEX_CAPACITY / shardMaxRows(dimensions)),
  };
}

export const TEXT_INDEX: IndexSpec = textIndexSpec();

/** The name of one tenant's index `spec`; its shard objects append `:s{n}` (shards.ts). */
export function indexObjectName(spec: IndexSpec, tenantId: string): string {
  return `vectors:${spec.name}:${tenantId}`;
}

/**
 * Vector ids are at most 64 characters (Vectorize), item ids at most 128 (section 9): a
 * longer item id is stored under `~` + 63 hex characters of its SHA-256.
 */
export async function vectorIdFor(itemId: string): Promise<string> {
  if (itemId.length <= LIMITS.maxIdLength) return itemId;
  return `~${(await sha256Hex(itemId)).slice(0, LIMITS.maxIdLength - 1)}`;
}

/**
 * The index of one trained recommender version's item factors: its own objects, so a new
 * version is written completely before a deploy switches serving to it, and the old one
 * keeps serving until then. Dot product: ALS scores are inner products. Enough shards for
 * the catalogue at the shard budget.
 */
export function modelIndexSpec(version: string, factors: number, items: number, rowsPerShard: number): IndexSpec {
  return {
    name: `model:${version}`,
    dimensions: factors,
    metric: "dot-product",
    shards: Math.max(1, Math.ceil(items / rowsPerShard)),
  };
}
