import type { Metric } from "./types";

/**
 * Exact (brute-force) scoring over row-major Float32 storage, and top-k selection. The
 * reference every approximate mode is measured against. Scores follow Vectorize: cosine
 * similarity and dot product (higher is closer), euclidean distance (lower is closer).
 */
export function norm(v: Float32Array, offset = 0, dims = v.length): number {
  let s = 0;
  for (let i = 0; i < dims; i++) s += v[offset + i]! * v[offset + i]!;
  return Math.sqrt(s);
}

export function score(
  metric: Metric,
  data: Float32Array,
  row: number,
  dims: number,
  q: Float32Array,
  qNorm: number,
  rowNorm: number,
): number {
  const o = row * dims;
  if (metric === "euclidean") {
    let s = 0;
    for (let i = 0; i < dims; i++) {
      const d = data[o + i]! - q[i]!;
      s += d * d;
    }
    return Math.sqrt(s);
  }
  let dot = 0;
  for (let i = 0; i < dims; i++) dot += data[o + i]! * q[i]!;
  if (metric === "dot-product") return dot;
  return rowNorm === 0 || qNorm === 0 ? 0 : dot / (rowNorm * qNorm);
}

export const closerFirst = (metric: Metric) => (a: number, b: number) => (metric === "euclidean" ? a - b : b - a);

/**
 * The k best of `n` candidates by `scoreOf`, best first, with a bounded binary heap whose
 * root is the worst kept (O(n log k)).
 */
export function topK(
  n: number,
  k: number,
  scoreOf: (i: number) => number | undefined,
  metric: Metric,
): { index: number; score: number }[] {
  const better = (a: number, b: number) => (metric === "euclidean" ? a < b : a > b);
  const heap: { index: number; score: number }[] = [];
  const worse = (i: number, j: number) => better(heap[j]!.score, heap[i]!.score);
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(i, p)) break;
      swap(i, p);
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(l, m)) m = l;
      if (r < heap.length && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = 0; i < n; i++) {
    const s = scoreOf(i);
    if (s === undefined || Number.isNaN(s)) continue;
    if (heap.length < k) {
      heap.push({ index: i, score: s });
      up(heap.length - 1);
    } else if (k > 0 && better(s, heap[0]!.score)) {
      heap[0] = { index: i, score: s };
      down(0);
    }
  }
  return heap.sort((a, b) => closerFirst(metric)(a.score, b.score));
}
