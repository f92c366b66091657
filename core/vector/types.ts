/**
 * The vector index contract: the semantics of Cloudflare's `VectorizeIndex` (v2), so that
 * production binds Vectorize and local runs bind the project's index behind one interface.
 * Structural types only: core imports no binding.
 */
export type Metric = "cosine" | "euclidean" | "dot-product";
export type MetadataValue = string | number | boolean;
export type Metadata = Record<string, MetadataValue>;

export type VectorRecord = {
  id: string;
  values: number[] | Float32Array;
  namespace?: string;
  metadata?: Metadata;
};

export type FilterOp = {
  $eq?: MetadataValue;
  $ne?: MetadataValue;
  $in?: MetadataValue[];
  $nin?: MetadataValue[];
  $lt?: number | string;
  $lte?: number | string;
  $gt?: number | string;
  $gte?: number | string;
};
/** Field -> value (implicit $eq) or operators; all fields must match. */
export type MetadataFilter = Record<string, MetadataValue | FilterOp>;

export type QueryOptions = {
  topK?: number;
  namespace?: string;
  filter?: MetadataFilter;
  returnValues?: boolean;
  returnMetadata?: boolean | "none" | "indexed" | "all";
  /**
   * Not in Vectorize (which is always approximate): the local index answers exactly below a
   * size threshold and from its IVF lists above it; `true` or `false` forces either.
   */
  approximate?: boolean;
};

export type Match = {
  id: string;
  score: number;
  values?: number[] | Float32Array;
  metadata?: Metadata;
  namespace?: string;
};
export type QueryResult = { matches: Match[]; count: number };
export type MutationResult = { mutationId: string; count: number; ids: string[] };

/** One query of a batch: a vector and its options, as `query` takes them. */
export type BatchQuery = { vector: number[] | Float32Array; options?: QueryOptions };

export interface VectorIndex {
  query(vector: number[] | Float32Array, options?: QueryOptions): Promise<QueryResult>;
  /**
   * Not in Vectorize: several queries answered as `query` answers each, in one call per
   * shard. Indexes without it are asked one query at a time (item-vectors.ts).
   */
  queryMany?(queries: BatchQuery[]): Promise<QueryResult[]>;
  insert(vectors: VectorRecord[]): Promise<MutationResult>;
  upsert(vectors: VectorRecord[]): Promise<MutationResult>;
  getByIds(ids: string[]): Promise<VectorRecord[]>;
  deleteByIds(ids: string[]): Promise<MutationResult>;
  describe(): Promise<{ dimensions: number; metric: Metric; vectorCount: number }>;
}

/** Vectorize's documented limits. */
export const LIMITS = {
  maxDimensions: 1536,
  maxBatch: 1000,
  maxTopK: 100,
  maxTopKWithValuesOrMetadata: 20,
  maxIdLength: 64,
  maxNamespaceLength: 64,
} as const;
