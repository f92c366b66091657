/**
 * One ALS half-step (als.ts): fixes one side's factors and solves every row of the other
 * exactly in closed form,
 *   (Y^T Y + Y_u^T (C_u - I) Y_u + lambda_u I) x_u = Y_u^T C_u p_u
 * Y^T Y (k x k) is shared by all rows, so a row costs O(n_u k) to apply Y_u^T (C_u - I) Y_u to a
 * vector and O(k^2) for Y^T Y. Two row solvers:
 *   - cgSteps > 0 (default 3): conjugate gradient warm-started from the row's previous vector
 *     (Takacs, Pilaszy and Tikk, RecSys 2011); O(cgSteps (k^2 + n_u k)) per row, never forms the
 *     k x k matrix. A few steps suffice because the previous vector is already close.
 *   - cgSteps = 0: the exact solve (form the matrix, O(n_u k^2), then Cholesky, O(k^3)).
 * Rows are independent: solving [from, to) in slices gives the same vectors as one call.
 */
import { rowRegularization, type AlsParams } from "./als-params";
import { choleskySolve } from "./linalg";

/** One side of the matrix: rows [ptr[r], ptr[r+1]) of (other-side index, value). */
export type SparseRows = { ptr: Int32Array; idx: Int32Array; val: Float32Array; n: number };

/**
 * One ALS half-step: solves every row of `out` (rows.n x k) against the fixed `other` factors
 * and their Gram matrix, in place (the current rows are CG's warm start).
 * `rows` is the CSR view for the user step and the CSC view for the item step.
 */
export function solveFactors(
  rows: SparseRows,
  other: Float32Array,
  gram: Float64Array,
  out: Float32Array,
  p: Pick<AlsParams, "factors" | "regularization" | "alpha" | "cgSteps" | "frequencyScaling">,
  from = 0,
  to = rows.n,
): void {
  const k = p.factors;
  const alpha = p.alpha;
  // Scratch reused by every row: no allocation inside the loops.
  const x = new Float64Array(k);
  const b = new Float64Array(k);
  const r = new Float64Array(k);
  const d = new Float64Array(k);
  const ad = new Float64Array(k);
  const a = p.cgSteps === 0 ? new Float64Array(k * k) : ad;
  const { ptr, idx, val } = rows;
  for (let row = from; row < to; row++) {
    const start = ptr[row]!;
    const end = ptr[row + 1]!;
    const lambda = rowRegularization(p, end - start);
    const o = row * k;
    // b = Y_u^T C_u p_u: only positive entries have p = 1.
    b.fill(0);
    for (let e = start; e < end; e++) {
      const v = val[e]!;
      if (v <= 0) continue;
      const c = 1 + alpha * v;
      const yo = idx[e]! * k;
      for (let f = 0; f < k; f++) b[f]! += c * other[yo + f]!;
    }
    if (p.cgSteps === 0) {
      // A = Y^T Y + lambda I + sum_e (c_e - 1) y_e y_e^T, lower triangle only, then Cholesky.
      for (let i = 0; i < k; i++) {
        const ri = i * k;
        for (let j = 0; j <= i; j++) a[ri + j] = gram[ri + j]!;
        a[ri + i]! += lambda;
      }
      for (let e = start; e < end; e++) {
        const w = alpha * Math.abs(val[e]!);
        if (w === 0) continue;
        const yo = idx[e]! * k;
        for (let i = 0; i < k; i++) {
          const wy = w * other[yo + i]!;
          const ri = i * k;
          for (let j = 0; j <= i; j++) a[ri + j]! += wy * other[yo + j]!;
        }
      }
      choleskySolve(a, b, k);
      for (let f = 0; f < k; f++) out[o + f] = b[f]!;
      continue;
    }
    // Conjugate gradient from the previous vector: r = b - A x, d = r.
    for (let f = 0; f < k; f++) x[f] = out[o + f]!;
    applyA(x, ad, gram, k, lambda, other, idx, val, start, end, alpha);
    let rs = 0;
    for (let f = 0; f < k; f++) {
      const rf = b[f]! - ad[f]!;
      r[f] = rf;
      d[f] = rf;
      rs += rf * rf;
    }
    for (let step = 0; step < p.cgSteps && rs > 1e-20; step++) {
      applyA(d, ad, gram, k, lambda, other, idx, val, start, end, alpha);
      let dad = 0;
      for (let f = 0; f < k; f++) dad += d[f]! * ad[f]!;
      if (!(dad > 0)) break;
      const step_ = rs / dad;
      let rsNew = 0;
      for (let f = 0; f < k; f++) {
        x[f]! += step_ * d[f]!;
        const rf = r[f]! - step_ * ad[f]!;
        r[f] = rf;
        rsNew += rf * rf;
      }
      const beta = rsNew / rs;
      for (let f = 0; f < k; f++) d[f] = r[f]! + beta * d[f]!;
      rs = rsNew;
    }
    for (let f = 0; f < k; f++) out[o + f] = x[f]!;
  }
}

/** out = (Y^T Y + lambda I) v + sum_e alpha |r_e| (y_e . v) y_e, without forming the matrix. */
function applyA(
  v: Float64Array,
  out: Float64Array,
  gram: Float64Array,
  k: number,
  lambda: number,
  other: Float32Array,
  idx: Int32Array,
  val: Float32Array,
  start: number,
  end: number,
  alpha: number,
): void {
  for (let i = 0; i < k; i++) {
    const ri = i * k;
    let s = lambda * v[i]!;
    for (let j = 0; j < k; j++) s += gram[ri + j]! * v[j]!;
    out[i] = s;
  }
  for (let e = start; e < end; e++) {
    const w = alpha * Math.abs(val[e]!);
    if (w === 0) continue;
    const yo = idx[e]! * k;
    let dot = 0;
    for (let f = 0; f < k; f++) dot += other[yo + f]! * v[f]!;
    dot *= w;
    for (let f = 0; f < k; f++) out[f]! += dot * other[yo + f]!;
  }
}
