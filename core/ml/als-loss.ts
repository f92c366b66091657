/** The implicit-ALS objective (als.ts), reported after every iteration. */
import { rowRegularization, type AlsParams } from "./als-params";
import type { InteractionMatrix } from "./interactions";

/**
 * The objective over all nUsers x nItems pairs in O(nnz k + k^2 + (users + items) k):
 * sum over all pairs of s^2 (c = 1, p = 0) is trace(X^T X . Y^T Y); observed pairs then
 * replace their s^2 by c (p - s)^2; plus the regularization terms.
 */
export function trainingLoss(
  data: InteractionMatrix,
  x: Float32Array,
  y: Float32Array,
  gx: Float64Array,
  gy: Float64Array,
  p: Pick<AlsParams, "factors" | "regularization" | "alpha" | "frequencyScaling">,
): number {
  const k = p.factors;
  let loss = 0;
  for (let q = 0; q < k * k; q++) loss += gx[q]! * gy[q]!;
  for (let u = 0; u < data.nUsers; u++) {
    const xo = u * k;
    for (let e = data.userPtr[u]!; e < data.userPtr[u + 1]!; e++) {
      const v = data.userValues[e]!;
      const yo = data.userItems[e]! * k;
      let s = 0;
      for (let f = 0; f < k; f++) s += x[xo + f]! * y[yo + f]!;
      const pref = v > 0 ? 1 : 0;
      const c = 1 + p.alpha * Math.abs(v);
      loss += c * (pref - s) * (pref - s) - s * s;
    }
  }
  loss += regTerm(x, data.userPtr, data.nUsers, k, p) + regTerm(y, data.itemPtr, data.nItems, k, p);
  return loss;
}

function regTerm(
  f: Float32Array,
  ptr: Int32Array,
  n: number,
  k: number,
  p: Pick<AlsParams, "regularization" | "frequencyScaling">,
): number {
  let total = 0;
  for (let r = 0; r < n; r++) {
    let sq = 0;
    for (let q = r * k; q < r * k + k; q++) sq += f[q]! * f[q]!;
    total += rowRegularization(p, ptr[r + 1]! - ptr[r]!) * sq;
  }
  return total;
}
