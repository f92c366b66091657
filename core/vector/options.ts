import type { Kernel } from "./kernel";

/**
 * When a query is approximate (IVF) and how. A query is exact unless the index holds at least
 * `minWork` floats (rows x dimensions, about 0.5 ms of exact scan) or the query asks for
 * `approximate: true`; `approximate: false` always scans everything.
 */
export type ApproximateParams = {
  minWork: number;
  /** Lists = listsPerSqrt * sqrt(rows), fixed at training; retrained when rows double or halve. */
  listsPerSqrt: number;
  /** Lists scanned per query, as a fraction of the lists (at least `minProbes`). */
  probeFraction: number;
  minProbes: number;
  /** k-means: sample rows per list and iterations. */
  samplePerList: number;
  iterations: number;
};

export const DEFAULT_APPROXIMATE: ApproximateParams = {
  minWork: 2_000_000,
  listsPerSqrt: 2,
  probeFraction: 0.06,
  minProbes: 4,
  samplePerList: 48,
  iterations: 8,
};

export type IndexOptions = {
  /** The scoring kernel; each index needs its own (it owns the memory). JS fallback if absent. */
  kernel?: Kernel;
  /** Rows reserved up front. */
  capacity?: number;
  /** Writes that would hold more rows are refused (a shard's memory budget). */
  maxRows?: number;
  approximate?: Partial<ApproximateParams>;
};
