import { Rng } from "../ml/random";
import type { SparseVector } from "./features";
import { logitsInto } from "./model";

/** Every text's sparse features, featurised once and shared by every trial and epoch. */
export type FeatureRows = { offsets: Int32Array; index: Int32Array; value: Float32Array; rows: number };

/** The longest stretch of training between two turns of the event loop. */
const YIELD_MS = 50;

export function packRows(vectors: Iterable<SparseVector>, count: number): FeatureRows {
  const offsets = new Int32Array(count + 1);
  let index = new Int32Array(count * 512);
  let value = new Float32Array(count * 512);
  let n = 0;
  let r = 0;
  for (const x of vectors) {
    if (n + x.length > index.length) {
      const size = Math.max(2 * index.length, n + x.length);
      const i2 = new Int32Array(size);
      i2.set(index.subarray(0, n));
      const v2 = new Float32Array(size);
      v2.set(value.subarray(0, n));
      index = i2;
      value = v2;
    }
    index.set(x.index.subarray(0, x.length), n);
    value.set(x.value.subarray(0, x.length), n);
    n += x.length;
    offsets[++r] = n;
  }
  return { offsets, index: index.subarray(0, n), value: value.subarray(0, n), rows: r };
}

/** The row `r` as a sparse vector (views, no copy). */
export function rowOf(data: FeatureRows, r: number): SparseVector {
  const a = data.offsets[r]!;
  const b = data.offsets[r + 1]!;
  return { index: data.index.subarray(a, b), value: data.value.subarray(a, b), length: b - a };
}

export type SgdParams = { learning_rate: number; l2: number; batch_size: number; seed: number; average?: boolean };

/**
 * The step of epoch e (1-based): the learning rate / sqrt(e). A constant step leaves the
 * weights jumping between epochs (validation accuracy moving by a point or two), which makes
 * early stopping pick by noise; the decay settles them.
 */
export const stepOf = (learningRate: number, epoch: number) => learningRate / Math.sqrt(epoch);

/** Residuals below this are skipped in the update: after a few epochs most classes' are tiny. */
const SKIP = 1e-3;

/**
 * Mini-batch SGD on the class-weighted softmax cross-entropy + (l2 / 2) ||W||^2 (no penalty on
 * the bias). Within a batch every forward pass uses the same weights, then the summed gradient
 * is applied (per-sample learning rate: the step does not shrink with the batch). The L2 decay
 * is a scalar: W = scale x V, so decaying costs O(1) instead of touching every weight
 * (Bottou, "Stochastic Gradient Descent Tricks", 2012).
 */
export class SoftmaxSgd {
  private readonly v: Float32Array;
  readonly bias: Float32Array;
  private scale = 1;
  private readonly z: Float64Array;
  private readonly residual: Float64Array;
  private readonly active: Int32Array;
  private readonly rng: Rng;
  private readonly order: Int32Array;
  private epochs = 0;
  private avg?: Float32Array;
  private avgBias?: Float32Array;

  constructor(
    private readonly data: FeatureRows,
    private readonly subset: Int32Array,
    private readonly y: Int32Array,
    private readonly sampleWeight: Float32Array,
    private readonly k: number,
    featureRows: number,
    private readonly params: SgdParams,
  ) {
    this.v = new Float32Array(featureRows * k);
    this.bias = new Float32Array(k);
    this.z = new Float64Array(k);
    this.residual = new Float64Array(params.batch_size * k);
    this.active = new Int32Array(params.batch_size * (k + 1));
    this.rng = new Rng(params.seed);
    this.order = Int32Array.from(subset);
  }

  /**
   * One pass over the subset in a fresh seeded order; returns the mean weighted training loss.
   * It gives the event loop a turn at least every YIELD_MS: an epoch of the news sample is
   * 0.5 s of CPU (seconds on a loaded machine), and the trainer's other jobs must go on
   * sending their heartbeats meanwhile (the dispatcher fails a job whose heartbeats stop).
   */
  async epoch(): Promise<number> {
    const { order, rng, k, data, z, residual, active } = this;
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    const { l2, batch_size } = this.params;
    const lr = stepOf(this.params.learning_rate, ++this.epochs);
    let loss = 0;
    let weightSum = 0;
    let turnAt = Date.now() + YIELD_MS;
    for (let start = 0; start < order.length; start += batch_size) {
      if (Date.now() >= turnAt) {
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        turnAt = Date.now() + YIELD_MS;
      }
      const end = Math.min(order.length, start + batch_size);
      // Forward passes with the batch's starting weights.
      for (let b = start; b < end; b++) {
        const r = order[b]!;
        const x = rowOf(data, r);
        logitsInto(this.v, this.bias, x, z, this.scale);
        let top = -Infinity;
        for (let c = 0; c < k; c++) top = Math.max(top, z[c]!);
        let sum = 0;
        for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c]! - top);
        const w = this.sampleWeight[r]!;
        const yc = this.y[r]!;
        loss -= w * Math.log(Math.max(z[yc]! / sum, 1e-300));
        weightSum += w;
        const base = (b - start) * k;
        const list = (b - start) * (k + 1);
        let m = 0;
        for (let c = 0; c < k; c++) {
          const g = w * (z[c]! / sum - (c === yc ? 1 : 0));
          residual[base + c] = g;
          if (g > SKIP || g < -SKIP) active[list + 1 + m++] = c;
        }
        active[list] = m;
      }
      // The update: decay, then the summed gradient of the batch.
      this.scale *= 1 - lr * l2 * (end - start);
      if (this.scale < 1e-6) this.foldScale();
      const step = lr / this.scale;
      // The bias is a feature of value 1 in every row (the others share a unit norm): at the
      // weights' per-row step it moves by up to lr x batch per batch and oscillates, so it takes
      // the batch mean (as sklearn's SGD damps the intercept on sparse data).
      const biasStep = lr / (end - start);
      for (let b = start; b < end; b++) {
        const x = rowOf(data, order[b]!);
        const base = (b - start) * k;
        const list = (b - start) * (k + 1);
        const m = active[list]!;
        for (let a = 0; a < m; a++) {
          const c = active[list + 1 + a]!;
          this.bias[c]! -= biasStep * residual[base + c]!;
        }
        for (let t = 0; t < x.length; t++) {
          const row = x.index[t]! * k;
          const sv = step * x.value[t]!;
          for (let a = 0; a < m; a++) {
            const c = active[list + 1 + a]!;
            this.v[row + c]! -= sv * residual[base + c]!;
          }
        }
      }
    }
    if (this.params.average) this.averageIn();
    return weightSum ? loss / weightSum : 0;
  }

  /** avg <- (avg + W) / 2 at the end of each epoch (exponential averaging of the epochs' weights). */
  private averageIn(): void {
    if (!this.avg) {
      this.avg = this.weights();
      this.avgBias = Float32Array.from(this.bias);
      return;
    }
    const s = this.scale;
    for (let i = 0; i < this.avg.length; i++) this.avg[i] = 0.5 * (this.avg[i]! + s * this.v[i]!);
    for (let c = 0; c < this.k; c++) this.avgBias![c] = 0.5 * (this.avgBias![c]! + this.bias[c]!);
  }

  private foldScale(): void {
    for (let i = 0; i < this.v.length; i++) this.v[i]! *= this.scale;
    this.scale = 1;
  }

  /** The weights the model ships: the epochs' average when averaging, else the last (a copy). */
  final(): { weights: Float32Array; bias: Float32Array } {
    if (this.avg) return { weights: Float32Array.from(this.avg), bias: Float32Array.from(this.avgBias!) };
    return { weights: this.weights(), bias: Float32Array.from(this.bias) };
  }

  /** The current weights (scale folded in), a copy. */
  weights(): Float32Array {
    const out = new Float32Array(this.v.length);
    for (let i = 0; i < out.length; i++) out[i] = this.v[i]! * this.scale;
    return out;
  }

  /** Raw logits of the rows `rows`, row-major, with the shipped weights (final()). */
  logits(rows: Int32Array): Float64Array {
    const out = new Float64Array(rows.length * this.k);
    const [w, b, s] = this.avg ? [this.avg, this.avgBias!, 1] : [this.v, this.bias, this.scale];
    for (let i = 0; i < rows.length; i++) {
      logitsInto(w, b, rowOf(this.data, rows[i]!), this.z, s);
      out.set(this.z, i * this.k);
    }
    return out;
  }
}
