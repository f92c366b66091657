import {
  initialFactors,
  resolveAlsParams,
  solveFactors,
  trainingLoss,
  type AlsModel,
  type AlsParams,
  type AlsProgress,
} from "@edge-ml/core/ml/als";
import type { InteractionMatrix } from "@edge-ml/core/ml/interactions";
import { gramMatrix } from "@edge-ml/core/ml/linalg";

/** Rows solved between two yields to the event loop (a few ms of work at k = 64). */
const ROWS_PER_SLICE = 4096;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * core's trainAls, step for step (same initial factors, same row solves, same loss: the
 * factors are identical bit for bit), but each half-step runs in slices of rows with a yield
 * in between, so the process keeps answering HTTP, sending callbacks and heartbeats while a
 * long iteration runs. Rows of one half-step are independent, so slicing changes nothing.
 */
export async function trainAlsAsync(
  data: InteractionMatrix,
  params: Partial<AlsParams>,
  onIteration: (progress: AlsProgress) => void | Promise<void>,
): Promise<AlsModel> {
  const p = resolveAlsParams(params);
  const k = p.factors;
  const t0 = performance.now();
  const { x, y } = initialFactors(data.nUsers, data.nItems, k, p.seed);
  const gx = new Float64Array(k * k);
  const gy = gramMatrix(y, data.nItems, k);
  const users = { ptr: data.userPtr, idx: data.userItems, val: data.userValues, n: data.nUsers };
  const items = { ptr: data.itemPtr, idx: data.itemUsers, val: data.itemValues, n: data.nItems };
  const losses: number[] = [];
  const halfStep = async (rows: typeof users, other: Float32Array, gram: Float64Array, out: Float32Array) => {
    for (let from = 0; from < rows.n; from += ROWS_PER_SLICE) {
      solveFactors(rows, other, gram, out, p, from, Math.min(rows.n, from + ROWS_PER_SLICE));
      await yieldToEventLoop();
    }
  };
  for (let it = 1; it <= p.iterations; it++) {
    const ti = performance.now();
    await halfStep(users, y, gy, x);
    gramMatrix(x, data.nUsers, k, gx);
    await halfStep(items, x, gx, y);
    gramMatrix(y, data.nItems, k, gy);
    const loss = trainingLoss(data, x, y, gx, gy, p);
    losses.push(loss);
    await onIteration({ iteration: it, iterations: p.iterations, seconds: (performance.now() - ti) / 1000, loss });
  }
  return {
    params: p,
    nUsers: data.nUsers,
    nItems: data.nItems,
    userFactors: x,
    itemFactors: y,
    gram: gy,
    losses,
    seconds: (performance.now() - t0) / 1000,
  };
}
