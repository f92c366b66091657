import { Featurizer, type FeatureConfig, type SparseVector } from "./features";

/**
 * A trained classifier: a linear softmax head over the hashed features (features.ts).
 * `weights` is row-major, one row of `labels.length` values per feature row (hashed buckets,
 * then the dense vector's), so one feature's weights for every class are contiguous: scoring
 * a sparse vector reads nnz short runs.
 */
export type ClassifierModel = {
  labels: string[];
  features: FeatureConfig;
  /** Softmax temperature fitted on the validation split (1: uncalibrated). */
  temperature: number;
  bias: Float32Array;
  weights: Float32Array;
  /** Per-bucket idf weights when `features.idf` (2^hash_bits values). */
  idf?: Float32Array;
};

const featurizers = new WeakMap<ClassifierModel, Featurizer>();

/** The model's featuriser (one per model, its scratch reused by every prediction). */
export function featurizerOf(model: ClassifierModel): Featurizer {
  let f = featurizers.get(model);
  if (!f) {
    f = new Featurizer(model.features, model.idf);
    featurizers.set(model, f);
  }
  return f;
}

/** Raw logits (before the temperature) of one sparse vector, into `out`. */
export function logitsInto(
  weights: Float32Array,
  bias: Float32Array,
  x: SparseVector,
  out: Float64Array,
  scale = 1,
): Float64Array {
  const k = bias.length;
  out.fill(0, 0, k);
  for (let t = 0; t < x.length; t++) {
    const v = x.value[t]!;
    const row = x.index[t]! * k;
    for (let c = 0; c < k; c++) out[c]! += v * weights[row + c]!;
  }
  for (let c = 0; c < k; c++) out[c] = out[c]! * scale + bias[c]!;
  return out;
}

/** Softmax of logits / temperature, in place; returns the index of the largest. */
export function softmaxInPlace(z: Float64Array, k: number, temperature = 1): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (z[c]! > z[best]!) best = c;
  const top = z[best]!;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp((z[c]! - top) / temperature);
    z[c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) z[c]! /= sum;
  return best;
}
