/**
 * Real-time user fold-in: a user's vector from their own interactions and the trained item
 * factors alone, so a new user is personalised after one event without retraining.
 *
 * It is exactly ALS's user half-step for that one user, solved exactly:
 *   x_u = (Y^T Y + Y_u^T (C_u - I) Y_u + lambda_u I)^-1 Y_u^T C_u p_u
 * with c = 1 + alpha |r|, p = (r > 0), lambda_u = lambda (1 + n_u)^frequencyScaling, and
 * Y^T Y precomputed by the trainer (stored beside the item factors, cached per isolate).
 *
 * Cost for n_u distinct items and k factors: copy Y^T Y's lower triangle (k^2/2), one rank-1
 * update per item (n_u k^2/2 multiply-adds), Cholesky (k^3/6) and two triangular solves (k^2).
 * k = 64, n_u = 50: about 150k multiply-adds (~0.1-0.3 ms in V8); k = 128: about 760k
 * (~1 ms). Memory: one k x k float64 scratch (32 KB at k = 64) plus two k vectors.
 */
import type { AlsParams } from "./als";
import { mergeUserEvents, type MergeOptions } from "./merge-rule";
import { choleskySolve } from "./linalg";

/** What the edge loads from R2 for fold-in (the trainer's AlsModel satisfies it with its params). */
export type FoldInModel = {
  /** nItems x k, row-major. */
  itemFactors: Float32Array;
  /** Y^T Y, k x k row-major (float64 preferred; float32 works with a little less precision). */
  gram: Float64Array | Float32Array;
  params: Pick<AlsParams, "factors" | "regularization" | "alpha" | "frequencyScaling">;
};

/**
 * The user vector for distinct `items` with merged values `values` (r > 0 positive strength,
 * r < 0 observed negative, as interactions.ts defines them). An empty history gives the zero
 * vector (every score 0: the caller falls back to popularity).
 */
export function foldInUser(
  model: FoldInModel,
  items: ArrayLike<number>,
  values: ArrayLike<number>,
  out: Float32Array = new Float32Array(model.params.factors),
): Float32Array {
  const { factors: k, alpha, regularization, frequencyScaling } = model.params;
  const y = model.itemFactors;
  const g = model.gram;
  if (g.length !== k * k) throw new RangeError(`gram must be ${k} x ${k}`);
  if (items.length !== values.length) throw new RangeError("items and values must have one length");
  const n = items.length;
  const nItems = y.length / k;
  const lambda = frequencyScaling === 0 ? regularization : regularization * Math.pow(1 + n, frequencyScaling);
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const ri = i * k;
    for (let j = 0; j <= i; j++) a[ri + j] = g[ri + j]!;
    a[ri + i]! += lambda;
  }
  for (let e = 0; e < n; e++) {
    const item = items[e]!;
    if (!(item >= 0 && item < nItems)) throw new RangeError(`item index ${item} out of range`);
    const v = values[e]!;
    const yo = item * k;
    const w = alpha * Math.abs(v);
    if (v > 0) for (let f = 0; f < k; f++) b[f]! += (1 + w) * y[yo + f]!;
    if (w === 0) continue;
    for (let i = 0; i < k; i++) {
      const wy = w * y[yo + i]!;
      const ri = i * k;
      for (let j = 0; j <= i; j++) a[ri + j]! += wy * y[yo + j]!;
    }
  }
  choleskySolve(a, b, k);
  for (let f = 0; f < k; f++) out[f] = b[f]!;
  return out;
}

/**
 * Fold-in from raw recent events (item indices and training labels, oldest first), merged by
 * the same rule the trainer used: pass the trainer's merge options.
 */
export function foldInEvents(
  model: FoldInModel,
  items: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: MergeOptions = {},
): Float32Array {
  const merged = mergeUserEvents(items, labels, options);
  return foldInUser(model, merged.items, merged.values);
}
