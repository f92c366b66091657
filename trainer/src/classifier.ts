import {
  DEFAULT_CATEGORIES,
  encodeClassifier,
  evaluateClassifier,
  splitStratified,
  trainClassifier,
  type StoredLabelledRow,
  type Trial,
} from "@edge-ml/core/classify";
import { CLASSIFIER_HOLDOUT } from "@edge-ml/core/schemas/classify-model";
import { ARTIFACTS } from "@edge-ml/core/training/contract";

/**
 * The `classifier` family (issue 16): labelled rows in, the text classifier's artifacts out.
 * The evaluation holdout (CLASSIFIER_HOLDOUT of the uploaded rows, the split the api's
 * `holdout` evaluations score) is left out of everything here, so the completion's metrics
 * are the served model's on rows no choice saw; feedback rows only ever train.
 */
export type ClassifierHooks = {
  checkStopped: () => void;
  onTrial: (t: Trial, done: number, planned: number) => void | Promise<void>;
  onEpoch: (epoch: number, of: number, loss: number, valAccuracy: number) => void | Promise<void>;
};

export type ClassifierResult = {
  artifacts: { name: string; bytes: Uint8Array<ArrayBuffer> }[];
  manifest: Record<string, unknown>;
  metrics: Record<string, number>;
  tuning: Record<string, unknown>;
};

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** The job's own settings: the contract's `config` names (anything else in the spec is ignored). */
export function givenClassifierParams(hp: Record<string, number>): {
  epochs?: number;
  batch_size?: number;
  learning_rate?: number;
  seed?: number;
} {
  const out: Record<string, number> = {};
  for (const name of ["epochs", "batch_size", "learning_rate", "seed"] as const)
    if (typeof hp[name] === "number") out[name] = hp[name];
  return out;
}

export async function fitClassifierJob(
  rows: readonly StoredLabelledRow[],
  labels: readonly string[] | undefined,
  hp: Record<string, number>,
  hooks: ClassifierHooks,
): Promise<ClassifierResult> {
  const started = performance.now();
  const labelSet = labels && labels.length > 0 ? labels : DEFAULT_CATEGORIES;
  const uploads = rows.filter((r) => r.source === "upload");
  const split = splitStratified(uploads, CLASSIFIER_HOLDOUT.share, CLASSIFIER_HOLDOUT.seed);
  const training = [...split.train, ...rows.filter((r) => r.source === "feedback")];
  const trained = await trainClassifier(training, {
    labels: labelSet,
    ...givenClassifierParams(hp),
    onTrial: async (t, done, planned) => {
      hooks.checkStopped();
      await hooks.onTrial(t, done, planned);
    },
    onEpoch: async (e) => {
      hooks.checkStopped();
      await hooks.onEpoch(e.epoch, e.total_epochs, e.loss, e.val_accuracy);
    },
  });
  // The holdout's rows of a category outside the label set cannot be predicted: left out, as in training.
  const known = new Set(trained.model.labels);
  const holdout = split.test.filter((r) => known.has(r.category));
  const held = holdout.length > 0 ? evaluateClassifier(trained.model, holdout) : null;
  const v = trained.metrics;
  const metrics: Record<string, number> = {
    accuracy: round(held?.accuracy ?? v.accuracy),
    f1_score: round(held?.f1_score ?? v.f1_score),
    precision: round(held?.precision ?? v.precision),
    recall: round(held?.recall ?? v.recall),
    ece: round(v.ece),
    ece_uncalibrated: round(v.ece_uncalibrated),
    temperature: round(v.temperature),
    validation_accuracy: round(v.accuracy),
    validation_f1_score: round(v.f1_score),
    holdout_size: holdout.length,
    train_size: v.train_size,
    validation_size: v.validation_size,
    labels: trained.model.labels.length,
    train_seconds: round((performance.now() - started) / 1000),
  };
  const manifest = {
    model_type: "classifier",
    kind: "classifier",
    format_version: 1,
    labels: trained.model.labels,
    temperature: trained.model.temperature,
    features: trained.model.features,
    chosen: trained.tuning.chosen,
    holdout: { ...CLASSIFIER_HOLDOUT, of: "uploaded rows", size: holdout.length },
    // Metrics from the holdout when it holds rows, else from validation (a tiny tenant).
    metrics_from: held ? "holdout" : "validation",
    metrics,
    artifact: ARTIFACTS.classifier,
    trained_at: new Date().toISOString(),
  };
  return {
    artifacts: [{ name: ARTIFACTS.classifier, bytes: encodeClassifier(trained.model) as Uint8Array<ArrayBuffer> }],
    manifest,
    metrics,
    tuning: trained.tuning,
  };
}
