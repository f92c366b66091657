/**
 * Implicit-feedback ALS (Hu, Koren and Volinsky, "Collaborative Filtering for Implicit Feedback
 * Datasets", ICDM 2008) over an InteractionMatrix.
 *
 * Model: minimise  sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + sum_u lambda_u |x_u|^2 + sum_i lambda_i |y_i|^2
 * over ALL user-item pairs, with p_ui = 1 for a positive entry (r > 0) and 0 otherwise, and
 * c_ui = 1 + alpha |r_ui| (1 for unobserved pairs). A dislike (r < 0) is an observed negative:
 * p = 0 like an unobserved pair, but held with confidence 1 + alpha * dislikeWeight, so it
 * pushes the score down harder than "never seen" (see merge-rule.ts).
 * Regularization: lambda_u = lambda (1 + n_u)^frequencyScaling, n_u the row's entry count
 * (0 = plain lambda; 1 = scaled by activity, like ALS-WR; Rendle et al. 2022 find it helps).
 *
 * The parts: hyperparameters (als-params.ts), the row solves of one half-step (als-solve.ts),
 * the objective (als-loss.ts); this module is the training loop, which alternates them.
 *
 * Deterministic: factors start from a seeded PRNG and every row is solved by the same
 * sequence of float operations, so one seed gives identical factors bit for bit, whether the
 * fit runs at once (trainAls) or pauses between slices of rows (trainAlsAsync).
 */
import { resolveAlsParams, type AlsParams } from "./als-params";
import { trainingLoss } from "./als-loss";
import { solveFactors, type SparseRows } from "./als-solve";
import type { InteractionMatrix } from "./interactions";
import { gramMatrix } from "./linalg";
import { Rng } from "./random";

export {
  ALS_DEFAULTS,
  AlsParamsError,
  resolveAlsParams,
  validateAlsParams,
  type AlsParamIssue,
  type AlsParams,
} from "./als-params";
export { trainingLoss } from "./als-loss";
export { solveFactors, type SparseRows } from "./als-solve";

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

export type AlsAsyncOptions = Omit<AlsOptions, "onIteration"> & {
  /** Awaited between slices of rows: the caller's chance to let other work run (core has no timers). */
  pause: () => Promise<void>;
  /** Rows solved between two pauses (default ROWS_PER_SLICE). */
  rowsPerSlice?: number;
  /** Awaited after each iteration; a throw (or rejection) ends the fit with it. */
  onIteration?: (progress: AlsProgress) => void | Promise<void>;
};

/** Rows solved between two pauses by default: a few ms of work at k = 64. */
export const ROWS_PER_SLICE = 4096;

/** Where the loop stops: after a slice of rows (a chance to pause) or after an iteration. */
type Step = { kind: "slice" } | { kind: "iteration"; progress: AlsProgress };

/**
 * The one training loop, as a generator so that a synchronous and an asynchronous driver
 * share it: both run the same row solves in the same order and only differ in what they do
 * at each step.
 */
function* alsSteps(
  data: InteractionMatrix,
  p: AlsParams,
  now: () => number,
  rowsPerSlice: number,
): Generator<Step, AlsModel, void> {
  const k = p.factors;
  const t0 = now();
  const { x, y } = initialFactors(data.nUsers, data.nItems, k, p.seed);
  const gx = new Float64Array(k * k);
  const gy = gramMatrix(y, data.nItems, k);
  const losses: number[] = [];
  const users = { ptr: data.userPtr, idx: data.userItems, val: data.userValues, n: data.nUsers };
  const items = { ptr: data.itemPtr, idx: data.itemUsers, val: data.itemValues, n: data.nItems };
  const slice: Step = { kind: "slice" };
  function* halfStep(rows: SparseRows, other: Float32Array, gram: Float64Array, out: Float32Array) {
    for (let from = 0; from < rows.n; from += rowsPerSlice) {
      solveFactors(rows, other, gram, out, p, from, Math.min(rows.n, from + rowsPerSlice));
      yield slice;
    }
  }
  for (let it = 1; it <= p.iterations; it++) {
    const ti = now();
    yield* halfStep(users, y, gy, x);
    gramMatrix(x, data.nUsers, k, gx);
    yield* halfStep(items, x, gx, y);
    gramMatrix(y, data.nItems, k, gy);
    const loss = trainingLoss(data, x, y, gx, gy, p);
    losses.push(loss);
    yield {
      kind: "iteration",
      progress: { iteration: it, iterations: p.iterations, seconds: (now() - ti) / 1000, loss },
    };
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

const performanceNow = () => performance.now();

/** Trains implicit ALS, synchronously: the caller's thread is busy until it returns. */
export function trainAls(data: InteractionMatrix, params: Partial<AlsParams> = {}, options: AlsOptions = {}): AlsModel {
  const steps = alsSteps(data, resolveAlsParams(params), options.now ?? performanceNow, ROWS_PER_SLICE);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (step.value.kind === "iteration") options.onIteration?.(step.value.progress);
  }
}

/**
 * trainAls with a yield hook: awaits `options.pause()` after every slice of rows, so a
 * single-threaded caller (the trainer) keeps serving HTTP, callbacks and heartbeats during a
 * long iteration. The factors are those of trainAls bit for bit.
 */
export async function trainAlsAsync(
  data: InteractionMatrix,
  params: Partial<AlsParams>,
  options: AlsAsyncOptions,
): Promise<AlsModel> {
  const rowsPerSlice = options.rowsPerSlice ?? ROWS_PER_SLICE;
  if (!(Number.isInteger(rowsPerSlice) && rowsPerSlice > 0))
    throw new RangeError("rowsPerSlice must be a positive integer");
  const steps = alsSteps(data, resolveAlsParams(params), options.now ?? performanceNow, rowsPerSlice);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (step.value.kind === "slice") await options.pause();
    else await options.onIteration?.(step.value.progress);
  }
}
