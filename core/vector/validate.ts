import { validateFilter } from "./filter";
import { LIMITS, type QueryOptions, type VectorRecord } from "./types";

/** A refusal of a call (bad input or a full shard); the Durable Object answers it as Vectorize does. */
export class VectorIndexError extends Error {}

/** Checks a batch as Vectorize does, before anything changes. */
export function validateRecords(records: VectorRecord[], dimensions: number): void {
  if (records.length > LIMITS.maxBatch) throw new VectorIndexError(`at most ${LIMITS.maxBatch} vectors per call`);
  for (const r of records) {
    if (typeof r.id !== "string" || r.id.length === 0 || r.id.length > LIMITS.maxIdLength) {
      throw new VectorIndexError(`vector id must be 1..${LIMITS.maxIdLength} characters`);
    }
    if (r.values.length !== dimensions) {
      throw new VectorIndexError(`vector ${r.id} has ${r.values.length} dimensions, the index ${dimensions}`);
    }
    for (const v of r.values)
      if (!Number.isFinite(v)) throw new VectorIndexError(`vector ${r.id} has a non-finite value`);
    if (r.namespace !== undefined && r.namespace.length > LIMITS.maxNamespaceLength) {
      throw new VectorIndexError(`namespace must be at most ${LIMITS.maxNamespaceLength} characters`);
    }
  }
}

/** Checks topK and the query's shape; returns topK. */
export function validateQuery(vector: ArrayLike<number>, dimensions: number, options: QueryOptions): number {
  const k = options.topK ?? 5;
  const max =
    options.returnValues === true || options.returnMetadata === "all" || options.returnMetadata === true
      ? LIMITS.maxTopKWithValuesOrMetadata
      : LIMITS.maxTopK;
  if (!Number.isInteger(k) || k < 1 || k > max) throw new VectorIndexError(`topK must be 1..${max} for this query`);
  if (vector.length !== dimensions)
    throw new VectorIndexError(`query has ${vector.length} dimensions, the index ${dimensions}`);
  if (options.filter) validateFilter(options.filter);
  return k;
}
