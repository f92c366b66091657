import { eceAt, fitTemperature } from "./calibrate";
import { DEFAULT_FEATURES, Featurizer, type FeatureConfig } from "./features";
import { ClassifierDataError, type LabelledText } from "./labels";
import { classificationMetrics } from "./metrics";
import type { ClassifierModel } from "./model";
import { packRows, SoftmaxSgd, type SgdParams } from "./sgd";
import { splitStratified } from "./split";

/**
 * Training of the classifier (docs/decisions.md, "Text classification: the model"): the
 * settings a job does not give are chosen on a stratified validation split of its rows (a small
 * grid over learning rate x L2, the epoch count by early stopping on validation accuracy +
 * macro-F1), then the chosen settings are refitted on every row and the temperature is fitted
 * on the chosen trial's validation logits.
 */
export const SEARCH_SPACE = { learning_rate: [0.2, 0.6], l2: [1e-6, 1e-5] } as const;
export const DEFAULTS = {
  batch_size: 16,
  validation_share: 0.15,
  seed: 42,
  max_epochs: 30,
  patience: 3,
  class_weight_cap: 10,
};

export type EpochReport = { epoch: number; total_epochs: number; loss: number; val_accuracy: number };

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
  /** Refit the chosen settings on every row (default) or keep the trial fitted without validation. */
  refit?: boolean;
  onEpoch?: (e: EpochReport) => void | Promise<void>;
  onTrial?: (t: Trial, done: number, planned: number) => void | Promise<void>;
};

export type Trial = {
  learning_rate: number;
  l2: number;
  epochs: number;
  val_accuracy: number;
  val_f1_score: number;
  seconds: number;
};

export type TrainedClassifier = {
  model: ClassifierModel;
  metrics: {
    accuracy: number;
    f1_score: number;
    precision: number;
    recall: number;
    ece: number;
    ece_uncalibrated: number;
    temperature: number;
    train_size: number;
    validation_size: number;
  };
  tuning: Record<string, unknown>;
};

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const score = (accuracy: number, f1: number) => (accuracy + f1) / 2;

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
  const featurizer = new Featurizer(features);
  const k = labels.length;

  // Every row featurised once; the split is by index.
  const split = splitStratified(
    kept.map((r, i) => ({ ...r, i })),
    opts.validation_share ?? DEFAULTS.validation_share,
    seed,
  );
  const trainIdx = Int32Array.from(split.train, (r) => r.i);
  // Too few rows to hold any out: validate on the training rows (said in the report).
  const validatedOnTraining = split.test.length === 0;
  const valIdx = validatedOnTraining ? trainIdx : Int32Array.from(split.test, (r) => r.i);
  const data = packRows(
    (function* () {
      for (const r of kept) yield featurizer.featurize(r.headline, r.short_description);
    })(),
    kept.length,
  );
  const y = Int32Array.from(kept, (r) => at.get(r.category)!);
  const weightsOf = (subset: Int32Array) =>
    classWeights(y, subset, k, opts.class_weight_cap ?? DEFAULTS.class_weight_cap);
  const trialWeights = weightsOf(trainIdx);
  const yVal = Int32Array.from(valIdx, (i) => y[i]!);
  const truthVal = Array.from(valIdx, (i) => kept[i]!.category);

  const batch_size = opts.batch_size ?? DEFAULTS.batch_size;
  const grid: Pick<SgdParams, "learning_rate" | "l2">[] = [];
  for (const learning_rate of opts.learning_rate ? [opts.learning_rate] : SEARCH_SPACE.learning_rate)
    for (const l2 of opts.l2 !== undefined ? [opts.l2] : SEARCH_SPACE.l2) grid.push({ learning_rate, l2 });
  const maxEpochs = opts.epochs ?? DEFAULTS.max_epochs;

  const trials: (Trial & {
    logits: Float64Array;
    curve: number[];
    metrics: ReturnType<typeof classificationMetrics>;
  })[] = [];
  for (const p of grid) {
    const t0 = performance.now();
    const sgd = new SoftmaxSgd(data, trainIdx, y, trialWeights, k, featurizer.rows, { ...p, batch_size, seed });
    let best: (typeof trials)[number] | undefined;
    const curve: number[] = [];
    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      sgd.epoch();
      const logits = sgd.logits(valIdx);
      const m = classificationMetrics(truthVal, argmaxLabels(logits, k, labels), labels);
      curve.push(m.accuracy);
      if (
        !best ||
        opts.epochs !== undefined ||
        score(m.accuracy, m.f1_score) > score(best.val_accuracy, best.val_f1_score)
      ) {
        best = {
          ...p,
          epochs: epoch,
          val_accuracy: m.accuracy,
          val_f1_score: m.f1_score,
          seconds: 0,
          logits,
          curve,
          metrics: m,
        };
      } else if (epoch - best.epochs >= DEFAULTS.patience) break;
      await turn();
    }
    best!.seconds = (performance.now() - t0) / 1000;
    trials.push(best!);
    await opts.onTrial?.(strip(best!), trials.length, grid.length);
  }
  const chosen = trials.reduce((a, b) =>
    score(b.val_accuracy, b.val_f1_score) > score(a.val_accuracy, a.val_f1_score) ? b : a,
  );
  const temperature = fitTemperature(chosen.logits, yVal, k);

  // The shipped fit: every row (or the trial's training rows), the chosen settings and epochs.
  const refit = opts.refit ?? true;
  const allIdx = refit && !validatedOnTraining ? Int32Array.from(kept, (_, i) => i) : trainIdx;
  const fitStarted = performance.now();
  const sgd = new SoftmaxSgd(data, allIdx, y, weightsOf(allIdx), k, featurizer.rows, {
    learning_rate: chosen.learning_rate,
    l2: chosen.l2,
    batch_size,
    seed,
  });
  for (let epoch = 1; epoch <= chosen.epochs; epoch++) {
    const loss = sgd.epoch();
    // The held-out accuracy at this epoch is the chosen trial's: the refit has no held-out rows.
    await opts.onEpoch?.({ epoch, total_epochs: chosen.epochs, loss, val_accuracy: chosen.curve[epoch - 1] ?? 0 });
    await turn();
  }
  const model: ClassifierModel = {
    labels,
    features,
    temperature,
    bias: Float32Array.from(sgd.bias),
    weights: sgd.weights(),
  };
  const m = chosen.metrics;
  return {
    model,
    metrics: {
      accuracy: m.accuracy,
      f1_score: m.f1_score,
      precision: m.precision,
      recall: m.recall,
      ece: eceAt(chosen.logits, yVal, k, temperature),
      ece_uncalibrated: eceAt(chosen.logits, yVal, k, 1),
      temperature,
      train_size: allIdx.length,
      validation_size: validatedOnTraining ? 0 : valIdx.length,
    },
    tuning: {
      trials: trials.map(strip),
      chosen: { learning_rate: chosen.learning_rate, l2: chosen.l2, epochs: chosen.epochs, batch_size },
      searched: {
        learning_rate: opts.learning_rate === undefined,
        l2: opts.l2 === undefined,
        epochs: opts.epochs === undefined,
      },
      validation: validatedOnTraining ? "training rows (too few to hold any out)" : "stratified split",
      validation_share: opts.validation_share ?? DEFAULTS.validation_share,
      refit,
      skipped_rows: rows.length - kept.length,
      classes_present: present.size,
      fit_seconds: (performance.now() - fitStarted) / 1000,
      seconds: (performance.now() - started) / 1000,
    },
  };
}

const strip = ({
  logits: _l,
  curve: _c,
  metrics: _m,
  ...t
}: Trial & { logits?: unknown; curve?: unknown; metrics?: unknown }): Trial => t;

/**
 * Inverse-frequency class weights (n / (classes x n_c)), capped so that a class of two rows
 * does not weigh like a thousand, then scaled so that the mean row weight is 1 (the learning
 * rate keeps its meaning); one weight per row, by its class.
 */
export function classWeights(y: Int32Array, subset: Int32Array, k: number, cap: number): Float32Array {
  const counts = new Float64Array(k);
  for (const i of subset) counts[y[i]!]!++;
  const present = counts.filter((c) => c > 0).length;
  const w = Array.from(counts, (c) => (c ? Math.min(cap, subset.length / (present * c)) : 0));
  const mean = Array.from(counts).reduce((s, c, i) => s + c * w[i]!, 0) / subset.length;
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = w[y[i]!]! / mean;
  return out;
}

function argmaxLabels(logits: Float64Array, k: number, labels: readonly string[]): string[] {
  const n = logits.length / k;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (logits[i * k + c]! > logits[i * k + best]!) best = c;
    out[i] = labels[best]!;
  }
  return out;
}
