import { paddedDims } from "./kernel";

/**
 * Resident memory one shard object may hold. Workers give an isolate 128 MB, and objects of
 * one class may share an isolate: at 24 MiB, four full shards and the runtime fit in one.
 */
export const SHARD_BUDGET_BYTES = 24 * 1024 * 1024;

/**
 * Resident bytes per row: the padded float32 row, its norm, IVF membership (12), query
 * scratch (8) and about 200 bytes of JS for the id, its map entry and the per-row arrays
 * (bench/vector measures the real figure).
 */
export const bytesPerRow = (dimensions: number) => paddedDims(dimensions) * 4 + 4 + 12 + 8 + 200;

/** The most rows a shard accepts: 128-d, 34,192 (so 32 shards hold 1M with room for hash skew). */
export const shardMaxRows = (dimensions: number) => Math.floor(SHARD_BUDGET_BYTES / bytesPerRow(dimensions));
