/**
 * Implicit-feedback ALS (Hu, Koren and Volinsky, "Collaborative Filtering for Implicit Feedback
 * Datasets", ICDM 2008) over an InteractionMatrix.
 *
 * Model: minimise  sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + sum_u lambda_u |x_u|^2 + sum_i lambda_i |y_i|^2
 * over ALL user-item pairs, with p_ui = 1 for a positive entry (r > 0) and 0 otherwise, and
 * c_ui = 1 + alpha |r_ui| (1 for unobserved pairs). A dislike (r < 0) is an observed negative:
 * p = 0 like an unobserved pair, but held with confidence 1 + alpha * dislikeWeight, so it
 * pushes the score down harder than "never seen" (see interactions.ts).
 *
 * Each half-step fixes one side and solves every row exactly in closed form:
 *   (Y^T Y + Y_u^T (C_u - I) Y_u + lambda_u I) x_u = Y_u^T C_u p_u
 * Y^T Y (k x k) is shared by all rows, so a row costs O(n_u k) to apply Y_u^T (C_u - I) Y_u to a
 * vector and O(k^2) for Y^T Y. Two row solvers:
 *   - cgSteps > 0 (default 3): conjugate gradient warm-started from the row's previous vector
 *     (Takacs, Pilaszy and Tikk, RecSys 2011); O(cgSteps (k^2 + n_u k)) per row, never forms the
 *     k x k matrix. A few steps suffice because the previous vector is already close.
 *   - cgSteps = 0: the exact solve (form the matrix, O(n_u k^2), then Cholesky, O(k^3)).
 * Regularization: lambda_u = lambda (1 + n_u)^frequencyScaling, n_u the row's entry count
 * (0 = plain lambda; 1 = scaled by activity, like ALS-WR; Rendle et al. 2022 find it helps).
 *
 * Deterministic: factors start from a seeded PRNG and every row is solved by the same
 * sequence of float operations, so one seed gives identical factors bit for bit.
 */
import type { InteractionMatrix } from "./interactions";
import { choleskySolve, gramMatrix } from "./linalg";
import { Rng } from "./random";

export type AlsParams = {
  /** Latent dimension k. */
  factors: number;
  /** Full iterations (one user half-step and one item half-step each). */
  iterations: number;
  /** lambda. */
  regularization: number;
  /** Confidence slope: c = 1 + alpha |r|. */
  alpha: number;
  /** Conjugate-gradient steps per row solve; 0 = exact Cholesky solve. */
  cgSteps: number;
  /** Exponent of the per-row regularization scaling (1 + n)^s; 0 = none. */
  frequencyScaling: number;
  /** PRNG seed of the initial factors (uint32). */
  seed: number;
};

export const ALS_DEFAULTS: AlsParams = {
  factors: 64,
  iterations: 15,
  // lambda and alpha: the best region of a grid on a validation split of the synthetic bench
  // set (docs/benchmarks.md); real tenants should search them the same way.
  regularization: 50,
  alpha: 2,
  cgSteps: 3,
  frequencyScaling: 0,
  seed: 42,
};

/** Allowed ranges, so the API can reject a bad training request with a 400 before any work. */
const RANGES: Record<keyof AlsParams, { min: number; max: number; integer: boolean; minExclusive?: boolean }> = {
  factors: { min: 1, max: 512, integer: true },
  iterations: { min: 1, max: 100, integer: true },
  regularization: { min: 0, max: 1e6, integer: false, minExclusive: true },
  alpha: { min: 0, max: 1e6, integer: false },
  cgSteps: { min: 0, max: 64, integer: true },
  frequencyScaling: { min: 0, max: 1, integer: false },
  seed: { min: 0, max: 4294967295, integer: true },
};

export type AlsParamIssue = { field: string; message: string };

/** Checks hyperparameters (any missing ones take defaults); returns one issue per bad field, [] when valid. */
export function validateAlsParams(input: Record<string, unknown>): AlsParamIssue[] {
  const issues: AlsParamIssue[] = [];
  for (const field of Object.keys(input)) {
    if (!(field in RANGES))
      issues.push({ field, message: `unknown hyperparameter; allowed: ${Object.keys(RANGES).join(", ")}` });
  }
  for (const [field, r] of Object.entries(RANGES)) {
    const v = input[field];
    if (v === undefined) continue;
    const range = `${r.minExclusive ? `> ${r.min}` : `>= ${r.min}`} and <= ${r.max}`;
    if (typeof v !== "number" || !Number.isFinite(v)) issues.push({ field, message: "must be a finite number" });
    else if (r.integer && !Number.isInteger(v)) issues.push({ field, message: `must be an integer ${range}` });
    else if (v < r.min || v > r.max || (r.minExclusive && v === r.min))
      issues.push({ field, message: `must be ${r.integer ? "an integer " : ""}${range}, got ${v}` });
  }
  return issues;
}

/** Thrown for invalid hyperparameters; `issues` carries field + message for a 400 response. */
export class AlsParamsError extends Error {
  constructor(readonly issues: AlsParamIssue[]) {
    super(`invalid ALS hyperparameters: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
    this.name = "AlsParamsError";
  }

  get field(): string {
    return this.issues[0]?.field ?? "";
  }
}

/** Defaults filled in and validated; throws AlsParamsError. */
export function resolveAlsParams(input: Partial<AlsParams> = {}): AlsParams {
  const issues = validateAlsParams(input);
  if (issues.length > 0) throw new AlsParamsError(issues);
  return { ...ALS_DEFAULTS, ...input };
}

export type AlsProgress = {
  /** 1-based. */
  iteration: number;
  iterations: number;
  /** Wall time of this iteration (both half-steps and the loss). */
  seconds: number;
  /** Objective after this iteration (see trainingLoss). */
  loss: number;
};

export type AlsModel = {
  params: AlsParams;
  nUsers: number;
  nItems: number;
  /** nUsers x factors, row-major. */
  userFactors: Float32Array;
  /** nItems x factors, row-major. */
  itemFactors: Float32Array;
  /** Y^T Y of the final item factors (factors x factors, row-major): what fold-in needs. */
  gram: Float64Array;
  /** Loss after each iteration. */
  losses: number[];
  seconds: number;
};

export type AlsOptions = {
  onIteration?: (progress: AlsProgress) => void;
  /** Clock in ms (default performance.now). */
  now?: () => number;
};

/** Initial factors: N(0, 0.1^2 / k) per entry so initial scores are small, users first, then items. */
export function initialFactors(
  nUsers: number,
  nItems: number,
  k: number,
  seed: number,
): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const scale = 0.1 / Math.sqrt(k);
  const x = new Float32Array(nUsers * k);
  const y = new Float32Array(nItems * k);
  for (let p = 0; p < x.length; p++) x[p] = rng.normal() * scale;
  for (let p = 0; p < y.length; p++) y[p] = rng.normal() * scale;
  return { x, y };
}

/** Trains implicit ALS. Synchronous and single-threaded; call it from a worker thread to keep a process responsive. */
export function trainAls(data: InteractionMatrix, params: Partial<AlsParams> = {}, options: AlsOptions = {}): AlsModel {
  const p = resolveAlsParams(params);
  const now = options.now ?? (() => performance.now());
  const k = p.factors;
  const t0 = now();
  const { x, y } = initialFactors(data.nUsers, data.nItems, k, p.seed);
  const gx = new Float64Array(k * k);
  const gy = gramMatrix(y, data.nItems, k);
  const losses: number[] = [];
  const users = { ptr: data.userPtr, idx: data.userItems, val: data.userValues, n: data.nUsers };
  const items = { ptr: data.itemPtr, idx: data.itemUsers, val: data.itemValues, n: data.nItems };
  for (let it = 1; it <= p.iterations; it++) {
    const ti = now();
    solveFactors(users, y, gy, x, p);
    gramMatrix(x, data.nUsers, k, gx);
    solveFactors(items, x, gx, y, p);
    gramMatrix(y, data.nItems, k, gy);
    const loss = trainingLoss(data, x, y, gx, gy, p);
    losses.push(loss);
    options.onIteration?.({ iteration: it, iterations: p.iterations, seconds: (now() - ti) / 1000, loss });
  }
  return {
    params: p,
    nUsers: data.nUsers,
    nItems: data.nItems,
    userFactors: x,
    itemFactors: y,
    gram: gy,
    losses,
    seconds: (now() - t0) / 1000,
  };
}

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
    const lambda =
      p.frequencyScaling === 0 ? p.regularization : p.regularization * Math.pow(1 + end - start, p.frequencyScaling);
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
    const cnt = ptr[r + 1]! - ptr[r]!;
    total +=
      (p.frequencyScaling === 0 ? p.regularization : p.regularization * Math.pow(1 + cnt, p.frequencyScaling)) * sq;
  }
  return total;
}
