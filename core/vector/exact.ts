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
 * The k best candidates seen, as a bounded binary heap in typed arrays whose root is the worst
 * kept: O(n log k) and nothing allocated per candidate. Keys are "higher is better" (pass a
 * distance negated); a candidate no better than the root is refused with one comparison, the
 * common case once the heap is full. Ties keep the candidate offered first. Reused across
 * queries (`reset`); NaN keys are refused.
 */
export class TopK {
  private keys: Float64Array;
  private items: Int32Array;
  private k = 0;
  size = 0;

  constructor(capacity = 16) {
    this.keys = new Float64Array(capacity);
    this.items = new Int32Array(capacity);
  }

  /** Empties the heap and sets how many it keeps (growing its arrays if needed). */
  reset(k: number): void {
    if (k > this.keys.length) {
      this.keys = new Float64Array(k);
      this.items = new Int32Array(k);
    }
    this.k = k;
    this.size = 0;
  }

  /** The worst key kept once full (a candidate must beat it), else -Infinity. */
  get bar(): number {
    return this.size < this.k ? -Infinity : this.keys[0]!;
  }

  push(item: number, key: number): void {
    const keys = this.keys;
    const items = this.items;
    if (this.size < this.k) {
      if (!(key === key)) return; // NaN
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (keys[p]! <= key) break;
        keys[i] = keys[p]!;
        items[i] = items[p]!;
        i = p;
      }
      keys[i] = key;
      items[i] = item;
      return;
    }
    if (!(key > keys[0]!)) return; // also refuses NaN, and k = 0
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && keys[r]! < keys[l]! ? r : l;
      if (keys[m]! >= key) break;
      keys[i] = keys[m]!;
      items[i] = items[m]!;
      i = m;
    }
    keys[i] = key;
    items[i] = item;
  }

  /**
   * Empties the heap into `items` and `keys`, best first; returns how many. Equal keys come
   * out in no particular order.
   */
  drain(items: Int32Array, keys: Float64Array): number {
    const n = this.size;
    for (let j = n - 1; j >= 0; j--) {
      // Pop the root (the worst left) into the last free place.
      items[j] = this.items[0]!;
      keys[j] = this.keys[0]!;
      const last = --this.size;
      const key = this.keys[last]!;
      const item = this.items[last]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const m = r < last && this.keys[r]! < this.keys[l]! ? r : l;
        if (this.keys[m]! >= key) break;
        this.keys[i] = this.keys[m]!;
        this.items[i] = this.items[m]!;
        i = m;
      }
      this.keys[i] = key;
      this.items[i] = item;
    }
    return n;
  }
}

/**
 * Pushes the best of the `n` kernel scores at `raw` (floats into `f`) into `heap`, for rows
 * `rows[i]` (or row i when `rows` is absent); the caller has reset the heap to k and drains it.
 * Keys are scores with higher closer: cosine divides by the norms, euclidean keeps the negated
 * squared distance (its square root is taken for the k kept only). NaN scores are skipped.
 * `bar` is the heap's worst kept key once full: most candidates stop at that one comparison
 * (`>=`, so an infinite score still fills a heap that is not full; the heap refuses ties).
 */
export function selectBest(
  heap: TopK,
  metric: Metric,
  norms: Float32Array,
  f: Float32Array,
  raw: number,
  rows: Int32Array | undefined,
  n: number,
  qNorm: number,
): void {
  let bar = -Infinity;
  if (metric === "cosine") {
    for (let i = 0; i < n; i++) {
      const rn = norms[rows ? rows[i]! : i]!;
      const s = rn === 0 || qNorm === 0 ? 0 : f[raw + i]! / (rn * qNorm);
      if (s >= bar) {
        heap.push(rows ? rows[i]! : i, s);
        bar = heap.bar;
      }
    }
  } else {
    const sign = metric === "euclidean" ? -1 : 1;
    for (let i = 0; i < n; i++) {
      const s = sign * f[raw + i]!;
      if (s >= bar) {
        heap.push(rows ? rows[i]! : i, s);
        bar = heap.bar;
      }
    }
  }
}
