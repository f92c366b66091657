import { eceAt } from "./calibrate";
import { bucketIdf, DEFAULT_FEATURES, Featurizer, type FeatureConfig } from "./features";
import { ClassifierDataError, type LabelledText } from "./labels";
import type { ClassifierModel } from "./model";
import { searchAndFit, type EpochReport, type Trial } from "./search";
import { packRows } from "./sgd";
import { splitStratified } from "./split";

/**
 * Training of the classifier (docs/decisions.md, "Text classification: the model"): rows
 * featurised once, a stratified validation split, the settings a job does not give chosen on
 * it (search.ts), class-weighted (inverse frequency, capped), the chosen settings refitted on
 * every row, confidences calibrated by the temperature fitted on validation.
 */
export const DEFAULTS = { validation_share: 0.15, seed: 42, class_weight_cap: 10, class_weight_power: 1 };

export type TrainOptions = {
  labels: readonly string[];
  epochs?: number;
  batch_size?: number;
  learning_rate?: number;
  l2?: number;
  seed?: number;
  validation_share?: number;
  features?: Partial<FeatureConfig>;
  /** Largest class weight (inverse frequency); 1 turns weighting off. */
  class_weight_cap?: number;
  /** Exponent of the inverse frequency (1: fully balanced, 0.5: square root, 0: no weighting). */
  class_weight_power?: number;
  /** Refit the chosen settings on every row (default), or ship the trial fitted without the validation rows. */
  refit?: boolean;
  /** Average the epochs' weights, or (default) keep the last epoch's (measured: no better on the news sample). */
  average?: boolean;
  onEpoch?: (e: EpochReport) => void | Promise<void>;
  onTrial?: (t: Trial, done: number, planned: number) => void | Promise<void>;
};

export type TrainedClassifier = {
  model: ClassifierModel;
  metrics: {
    accuracy: number;
    f1_score: number;
    precision: number;
    recall: number;
    /** Expected calibration error on validation after / before temperature scaling. */
    ece: number;
    ece_uncalibrated: number;
    temperature: number;
    train_size: number;
    validation_size: number;
  };
  tuning: Record<string, unknown>;
};

function positive(name: string, v: number | undefined, integer: boolean): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v)))
    throw new ClassifierDataError(`${name} must be a positive ${integer ? "integer" : "number"}, got ${v}`);
}

export async function trainClassifier(rows: readonly LabelledText[], opts: TrainOptions): Promise<TrainedClassifier> {
  const started = performance.now();
  positive("epochs", opts.epochs, true);
  positive("batch_size", opts.batch_size, true);
  positive("learning_rate", opts.learning_rate, false);
  const labels = [...new Set(opts.labels)];
  const at = new Map(labels.map((l, i) => [l, i]));
  if (rows.length === 0) throw new ClassifierDataError("no labelled data: upload labelled examples before training");
  // Rows of a category outside the label set (a label removed since) are left out and counted.
  const kept = rows.filter((r) => at.has(r.category));
  if (kept.length === 0)
    throw new ClassifierDataError(`none of the ${rows.length} labelled rows has a category in the label set`);
  const present = new Set(kept.map((r) => r.category));
  if (present.size < 2)
    throw new ClassifierDataError(
      `the labelled data holds a single category (${[...present][0]}): a classifier needs at least two`,
    );
  const seed = opts.seed ?? DEFAULTS.seed;
  const features: FeatureConfig = { ...DEFAULT_FEATURES, ...opts.features };
  // The head is fitted over the categories the rows hold (in label-set order); a label without
  // rows gets no weights and a logit of ABSENT_LOGIT (probability 0): it could not be learned,
  // and leaving it out saves its share of every epoch (13 of the 41 defaults on the news sample).
  const trained = labels.filter((l) => present.has(l));
  const trainedAt = new Map(trained.map((l, i) => [l, i]));
  const k = trained.length;
  const share = opts.validation_share ?? DEFAULTS.validation_share;
  const split = splitStratified(
    kept.map((r, i) => ({ ...r, i })),
    share,
    seed,
  );
  const trainIdx = Int32Array.from(split.train, (r) => r.i);
  // Too few rows to hold any out: validate on the training rows (said in the report).
  const validatedOnTraining = split.test.length === 0;
  const valIdx = validatedOnTraining ? trainIdx : Int32Array.from(split.test, (r) => r.i);
  const vectors = (f: Featurizer, subset: ArrayLike<number>) =>
    (function* () {
      for (let i = 0; i < subset.length; i++) {
        const r = kept[subset[i]!]!;
        yield f.featurize(r.headline, r.short_description);
      }
    })();
  // idf from the training rows only (the validation rows stay unseen by every choice).
  const tfOnly = new Featurizer(features);
  const idf = features.idf ? bucketIdf(tfOnly.buckets, vectors(tfOnly, trainIdx)) : undefined;
  const featurizer = new Featurizer(features, idf);
  const everyRow = Int32Array.from(kept, (_, i) => i);
  const data = packRows(vectors(featurizer, everyRow), kept.length);
  const y = Int32Array.from(kept, (r) => trainedAt.get(r.category)!);
  const cap = opts.class_weight_cap ?? DEFAULTS.class_weight_cap;
  const power = opts.class_weight_power ?? DEFAULTS.class_weight_power;
  const fit = await searchAndFit(
    {
      data,
      featureRows: featurizer.rows,
      y,
      labels: trained,
      trainIdx,
      valIdx,
      weightsOf: (s) => classWeights(y, s, k, cap, power),
    },
    { ...opts, seed, refit: (opts.refit ?? true) && !validatedOnTraining, average: opts.average },
  );
  const model: ClassifierModel = {
    labels,
    features,
    temperature: fit.temperature,
    ...expand(fit, trained, labels, featurizer.rows),
    ...(idf ? { idf } : {}),
  };
  const yVal = Int32Array.from(valIdx, (i) => y[i]!);
  const m = fit.validation;
  return {
    model,
    metrics: {
      accuracy: m.accuracy,
      f1_score: m.f1_score,
      precision: m.precision,
      recall: m.recall,
      ece: eceAt(fit.validationLogits, yVal, k, fit.temperature),
      ece_uncalibrated: eceAt(fit.validationLogits, yVal, k, 1),
      temperature: fit.temperature,
      train_size: fit.trainSize,
      validation_size: validatedOnTraining ? 0 : valIdx.length,
    },
    tuning: {
      trials: fit.trials,
      chosen: fit.chosen,
      searched: {
        learning_rate: opts.learning_rate === undefined,
        l2: opts.l2 === undefined,
        epochs: opts.epochs === undefined,
      },
      validation: validatedOnTraining ? "training rows (too few to hold any out)" : "stratified split",
      validation_share: share,
      refit: (opts.refit ?? true) && !validatedOnTraining,
      class_weight_cap: cap,
      class_weight_power: power,
      skipped_rows: rows.length - kept.length,
      classes_present: present.size,
      fit_seconds: fit.fitSeconds,
      seconds: (performance.now() - started) / 1000,
    },
  };
}

/** The logit of a label without training rows: exp(ABSENT_LOGIT - any real logit) is 0. */
export const ABSENT_LOGIT = -1e4;

/** The fitted head (over `trained`) laid out over the whole label set. */
function expand(
  fit: { bias: Float32Array; weights: Float32Array },
  trained: readonly string[],
  labels: readonly string[],
  rows: number,
): { bias: Float32Array; weights: Float32Array } {
  if (trained.length === labels.length) return fit;
  const k = labels.length;
  const kt = trained.length;
  const column = trained.map((l) => labels.indexOf(l));
  const bias = new Float32Array(k).fill(ABSENT_LOGIT);
  const weights = new Float32Array(rows * k);
  for (let j = 0; j < kt; j++) bias[column[j]!] = fit.bias[j]!;
  for (let r = 0; r < rows; r++) for (let j = 0; j < kt; j++) weights[r * k + column[j]!] = fit.weights[r * kt + j]!;
  return { bias, weights };
}

/**
 * Inverse-frequency class weights (n / (classes x n_c)), capped so that a class of two rows
 * does not weigh like a thousand, then scaled so that the mean row weight is 1 (the learning
 * rate keeps its meaning); one weight per row, by its class.
 */
export function classWeights(y: Int32Array, subset: Int32Array, k: number, cap: number, power = 1): Float32Array {
  const counts = new Float64Array(k);
  for (const i of subset) counts[y[i]!]!++;
  const present = counts.filter((c) => c > 0).length;
  const w = Array.from(counts, (c) => (c ? Math.min(cap, (subset.length / (present * c)) ** power) : 0));
  const mean = Array.from(counts).reduce((s, c, i) => s + c * w[i]!, 0) / subset.length;
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = w[y[i]!]! / mean;
  return out;
}
