import type { Arena, IndexRegion } from "./arena";
import type { Kernel } from "./kernel";

/**
 * k-means for the inverted lists, on the kernel: every assignment is one kernel scan of the
 * query row against all centroids. `spherical` (cosine indexes) clusters directions: rows
 * count normalized and centroids are renormalized, so the nearest centroid is the one with
 * the largest dot product. Otherwise plain euclidean k-means.
 */
export type TrainInput = {
  kernel: Kernel;
  arena: Arena<IndexRegion>;
  /** Floats per row (padded). */
  stride: number;
  rowPtr: (row: number) => number;
  rowNorm: (row: number) => number;
  sample: Int32Array;
  lists: number;
  iterations: number;
  spherical: boolean;
};

/** Trains `lists` centroids into the arena's `centroids` region. */
export function trainCentroids(t: TrainInput): void {
  const { kernel, arena, stride, sample, lists, spherical } = t;
  const bytes = stride * 4;
  arena.ensure("centroids", lists * bytes, 1);
  arena.ensure("scores", lists * 4);
  const sums = new Float64Array(lists * stride);
  const counts = new Int32Array(lists);
  const assign = new Int32Array(sample.length);
  const view = () => new Float32Array(kernel.buffer());
  // Initial centroids: the first `lists` rows of the (random) sample.
  {
    const f = view();
    const c0 = arena.offset("centroids") >> 2;
    for (let c = 0; c < lists; c++) {
      const r = sample[c % sample.length]!;
      const p = t.rowPtr(r) >> 2;
      const inv = spherical ? 1 / (t.rowNorm(r) || 1) : 1;
      for (let i = 0; i < stride; i++) f[c0 + c * stride + i] = f[p + i]! * inv;
    }
  }
  for (let it = 0; it < t.iterations; it++) {
    for (let s = 0; s < sample.length; s++) {
      assign[s] = nearestCentroid(kernel, arena, bytes, t.rowPtr(sample[s]!), lists, spherical ? "dot" : "l2");
    }
    sums.fill(0);
    counts.fill(0);
    const f = view();
    for (let s = 0; s < sample.length; s++) {
      const r = sample[s]!;
      const c = assign[s]!;
      const p = t.rowPtr(r) >> 2;
      const inv = spherical ? 1 / (t.rowNorm(r) || 1) : 1;
      for (let i = 0; i < stride; i++) sums[c * stride + i]! += f[p + i]! * inv;
      counts[c]!++;
    }
    const c0 = arena.offset("centroids") >> 2;
    for (let c = 0; c < lists; c++) {
      if (counts[c] === 0) {
        // An empty list takes a sample row, so no centroid is wasted.
        const r = sample[(it * 7919 + c * 104729) % sample.length]!;
        const p = t.rowPtr(r) >> 2;
        const inv = spherical ? 1 / (t.rowNorm(r) || 1) : 1;
        for (let i = 0; i < stride; i++) f[c0 + c * stride + i] = f[p + i]! * inv;
        continue;
      }
      let norm = 0;
      for (let i = 0; i < stride; i++) {
        const v = sums[c * stride + i]! / counts[c]!;
        sums[c * stride + i] = v;
        norm += v * v;
      }
      const inv = spherical && norm > 0 ? 1 / Math.sqrt(norm) : 1;
      for (let i = 0; i < stride; i++) f[c0 + c * stride + i] = sums[c * stride + i]! * inv;
    }
  }
}

/** Scores the row at `qPtr` against every centroid into the `scores` region. */
export function scoreCentroids(
  kernel: Kernel,
  arena: Arena<IndexRegion>,
  bytes: number,
  qPtr: number,
  lists: number,
  space: "dot" | "l2",
): void {
  const scan = space === "dot" ? kernel.dotRows : kernel.l2Rows;
  scan(qPtr, arena.offset("centroids"), bytes, 0, lists, arena.offset("scores"));
}

/** The list a row belongs to: largest dot product (spherical) or smallest distance. */
export function nearestCentroid(
  kernel: Kernel,
  arena: Arena<IndexRegion>,
  bytes: number,
  qPtr: number,
  lists: number,
  space: "dot" | "l2",
): number {
  scoreCentroids(kernel, arena, bytes, qPtr, lists, space);
  const s = new Float32Array(kernel.buffer(), arena.offset("scores"), lists);
  let best = 0;
  for (let c = 1; c < lists; c++) if (space === "dot" ? s[c]! > s[best]! : s[c]! < s[best]!) best = c;
  return best;
}
