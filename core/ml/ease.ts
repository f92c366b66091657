/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): the item x item
 * weight matrix B that minimises |X - X B|^2 + lambda |B|^2 subject to diag(B) = 0, over the
 * binary user x item matrix X (X_ui = 1 for a positive entry r > 0, else 0; dislikes and
 * unobserved pairs alike are 0, as the model is defined). It has a closed form:
 *
 *   G = X^T X + lambda I,   P = G^-1,   B = I - P diag(1 / diag(P)),  i.e.
 *   B[j][i] = -P[j][i] / P[i][i] for i != j, and B[j][j] = 0,
 *
 * and user u's scores are x_u B: item j votes for item i with w(j->i) = B[j][i] (item-to-item.ts).
 *
 * The inverse is dense: G is SPD (a Gram matrix plus lambda > 0), so Cholesky G = L L^T, then
 * W = L^-T (upper triangular) and P = W W^T, all float64 in ONE n x n array plus O(n) vectors:
 * L lives in the lower triangle, W is written over the upper one (L's diagonal is kept aside),
 * P's lower triangle is then written over L, and B over all of it. Each phase is about n^3/6
 * multiply-adds (n^3/2 in all) as dot products over contiguous row segments, so V8 streams
 * memory instead of striding it. Memory: 8 n^2 bytes (2000 items: 32 MB).
 *
 * The model keeps each row's top-N POSITIVE weights. B's negative entries (item j makes item i
 * less likely) are dropped: with N slots the positive votes carry nearly all of the ranking
 * signal (a top-N row of a large catalogue has no negatives anyway), and a sparse negative vote
 * would push a few items below the zero score of every item no one voted for, which is noise.
 * Rows whose item had no positive user are empty: G's row is lambda e_j, so B's row and column
 * j are exactly 0.
 */
import type { InteractionMatrix } from "./interactions";
import { emptyItemToItem, NeighbourSelector, type ItemToItemModel } from "./item-to-item";

/**
 * The largest catalogue easeModel accepts. Measured single-threaded in Node 22 on the 2-core
 * development machine (synthetic data of synthetic.ts, 10 interactions per item, N = 100; G,
 * Cholesky, inverse and top-N selection together; ranges over repeated runs on a shared host):
 * 500 items 0.10-0.13 s, 1000 items 0.5-0.8 s, 2000 items 3.6-6.0 s, 2500 items 8.6-11.5 s,
 * 3000 items 16-19 s. Time grows as n^3 (a little faster once the 8 n^2 bytes outgrow the
 * caches), so 2000 is the largest size safely under ~10 s, with room for a slower machine;
 * beyond it use item-kNN (item-knn.ts).
 */
export const EASE_MAX_ITEMS = 2000;

export type EaseParams = {
  /** L2 penalty lambda (> 0); larger shrinks the weights toward 0 and favours popular items less. */
  lambda: number;
  /** N, neighbours kept per item. */
  neighbours: number;
};

export const EASE_DEFAULTS: EaseParams = { lambda: 100, neighbours: 100 };

/**
 * The dense EASE weights B (nItems x nItems, row-major, float64): B[j * n + i] = w(j->i), with
 * B[j * n + j] = 0. O(n^3) time and 8 n^2 bytes; throws RangeError above EASE_MAX_ITEMS.
 */
export function easeMatrix(train: InteractionMatrix, lambda: number): Float64Array {
  const n = train.nItems;
  if (n > EASE_MAX_ITEMS) throw new RangeError(`EASE supports at most ${EASE_MAX_ITEMS} items, got ${n}`);
  if (!(lambda > 0 && Number.isFinite(lambda))) throw new RangeError("lambda must be a finite number > 0");
  const a = new Float64Array(n * n);
  gramLower(train, a);
  for (let j = 0; j < n; j++) a[j * n + j]! += lambda;

  // 1. Cholesky, G = L L^T, in the lower triangle; L's diagonal also kept in ld.
  const ld = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]! - dot(a, rj, rj, j);
    // G's eigenvalues are >= lambda > 0; the clamp only guards against rounding, as in linalg.ts.
    if (!(d > 1e-12)) d = 1e-12;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    ld[j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      a[ri + j] = (a[ri + j]! - dot(a, ri, rj, j)) * inv;
    }
  }

  // 2. W = L^-T: row r of W is column r of L^-1, the forward solve of L m = e_r (m[i] = 0 for
  //    i < r). It reads L's strict lower triangle and writes the upper one, diagonal included.
  for (let r = 0; r < n; r++) {
    const rr = r * n;
    a[rr + r] = 1 / ld[r]!;
    for (let i = r + 1; i < n; i++) a[rr + i] = -dot(a, i * n + r, rr + r, i - r) / ld[i]!;
  }

  // 3. P = W W^T: P[p][q] = W[p, max(p,q)..n) . W[q, max(p,q)..n). The strict lower triangle
  //    goes over L (no longer needed), the diagonal into pd, W stays intact until the end.
  const pd = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const rp = p * n;
    pd[p] = dot(a, rp + p, rp + p, n - p);
    for (let q = 0; q < p; q++) a[rp + q] = dot(a, rp + p, q * n + p, n - p);
  }

  // 4. B[j][i] = -P[j][i] / P[i][i]: mirror P's lower triangle over W, then scale in place.
  for (let p = 0; p < n; p++) for (let q = 0; q < p; q++) a[q * n + p] = a[p * n + q]!;
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let i = 0; i < n; i++) a[rj + i] = i === j ? 0 : -a[rj + i]! / pd[i]!;
  }
  return a;
}

/** EASE as an item-to-item model: each row's top-N positive weights of easeMatrix (see the module comment). */
export function easeModel(train: InteractionMatrix, params: Partial<EaseParams> = {}): ItemToItemModel {
  const p = { ...EASE_DEFAULTS, ...params };
  if (!(Number.isInteger(p.neighbours) && p.neighbours >= 1 && p.neighbours <= 1000))
    throw new RangeError("neighbours must be an integer >= 1 and <= 1000");
  const n = train.nItems;
  const b = easeMatrix(train, p.lambda);
  const model = emptyItemToItem(n, p.neighbours);
  const select = new NeighbourSelector(p.neighbours);
  for (let j = 0; j < n; j++) {
    select.reset();
    const rj = j * n;
    for (let i = 0; i < n; i++) select.offer(i, b[rj + i]!);
    select.write(model, j);
  }
  return model;
}

/** Lower triangle (diagonal included) of X^T X over the binarized positives, into a (n x n, zeroed). */
function gramLower(train: InteractionMatrix, a: Float64Array): void {
  const n = train.nItems;
  const pos = new Int32Array(n);
  for (let u = 0; u < train.nUsers; u++) {
    let c = 0;
    for (let e = train.userPtr[u]!; e < train.userPtr[u + 1]!; e++)
      if (train.userValues[e]! > 0) pos[c++] = train.userItems[e]!;
    // Items are ascending, so pos[y] <= pos[x] for y <= x: (pos[x], pos[y]) is in the lower triangle.
    for (let x = 0; x < c; x++) {
      const row = pos[x]! * n;
      for (let y = 0; y <= x; y++) a[row + pos[y]!]!++;
    }
  }
}

/**
 * a[x, x+len) . a[y, y+len) with four accumulators: breaks the chain of dependent additions so
 * V8's code is less bound by add latency (measured about 20% faster on the whole model at 2000
 * items; memory bandwidth is the rest). The order is fixed, so the result is deterministic.
 */
function dot(a: Float64Array, x: number, y: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let p = 0;
  for (; p + 3 < len; p += 4) {
    s0 += a[x + p]! * a[y + p]!;
    s1 += a[x + p + 1]! * a[y + p + 1]!;
    s2 += a[x + p + 2]! * a[y + p + 2]!;
    s3 += a[x + p + 3]! * a[y + p + 3]!;
  }
  for (; p < len; p++) s0 += a[x + p]! * a[y + p]!;
  return s0 + s1 + (s2 + s3);
}
