import { ALS_DEFAULTS, validateAlsParams, type AlsParams } from "../ml/als";
import { tuningBudgetSeconds } from "../ml/tuning";
import type { ModelType } from "./model-types";

/**
 * Training hyperparameters: the contract's names (embedding_dim, epochs) and ALS's own, checked
 * by the trainer's validation, so a job that reaches the queue always has a runnable spec.
 */
// ---------------------------------------------------------------------------------------------
// Hyperparameters

/** ALS's own names (docs/trainer-contract.md) -> AlsParams fields. */
const ALS_NAMES = {
  factors: "factors",
  iterations: "iterations",
  regularization: "regularization",
  alpha: "alpha",
  cg_steps: "cgSteps",
  frequency_scaling: "frequencyScaling",
  seed: "seed",
} as const satisfies Record<string, keyof AlsParams>;
type AlsName = keyof typeof ALS_NAMES;

/** platform-api.md's generic names, accepted for matrix_factorization as aliases. */
const ALS_ALIASES = { embedding_dim: "factors", epochs: "iterations" } as const satisfies Record<string, AlsName>;

function alsNameOf(field: string): AlsName | undefined {
  if (Object.hasOwn(ALS_NAMES, field)) return field as AlsName;
  return Object.hasOwn(ALS_ALIASES, field) ? ALS_ALIASES[field as keyof typeof ALS_ALIASES] : undefined;
}

/** What the job row stores and the trainer receives for matrix_factorization (every field filled). */
export type MatrixFactorizationHyperparameters = Record<AlsName, number>;

/** The contract's generic names, for the model types other than ALS (two_tower, gnn, item_to_item): checked for range here, read by each trainer. */
type Range = { min: number; max: number; integer: boolean; exclusiveMin?: boolean };

const GENERIC_HYPERPARAMETERS: Record<string, Range> = {
  embedding_dim: { min: 1, max: 4096, integer: true },
  epochs: { min: 1, max: 1000, integer: true },
  learning_rate: { min: 0, max: 10, integer: false, exclusiveMin: true },
  batch_size: { min: 1, max: 1_000_000, integer: true },
};
const GENERIC_DEFAULT_EPOCHS = 10;

/** Names other model types use that ALS has no use for: accepted, reported in the job's `warnings`, unused. */
const UNUSED_BY_ALS: Record<string, string> = {
  learning_rate:
    "learning_rate is not used by matrix_factorization: ALS solves each half-step in closed form, so there is no step size (it is used by model types that learn by gradient)",
  batch_size:
    "batch_size is not used by matrix_factorization: every ALS half-step solves all rows (it is used by model types that learn by gradient)",
};

/** item_to_item's own names (core/ml/tuning-item-to-item.ts); `auto` passes them to that candidate. */
const ITEM_TO_ITEM_HYPERPARAMETERS: Record<string, Range> = {
  neighbours: { min: 1, max: 200, integer: true },
  lambda: { min: 0, max: 1e6, integer: false, exclusiveMin: true },
  shrink: { min: 0, max: 1e6, integer: false },
};

const UNUSED_BY_ITEM_TO_ITEM =
  "is not used by item_to_item: its neighbour weights come in closed form (EASE) or from co-occurrence (item-kNN)";

function rangeIssue(field: string, v: number, r: Range): HyperparameterIssue | undefined {
  const range = `${r.exclusiveMin ? `> ${r.min}` : `>= ${r.min}`} and <= ${r.max}`;
  if ((r.integer && !Number.isInteger(v)) || v < r.min || v > r.max || (r.exclusiveMin && v === r.min))
    return { field, message: `must be ${r.integer ? "an integer " : ""}${range}, got ${v}` };
  return undefined;
}

export type HyperparameterIssue = { field: string; message: string };

/**
 * Checks `hp` for `modelType`; `field` is the name as the client sent it. For
 * matrix_factorization: ALS names and the contract's aliases (embedding_dim -> factors,
 * epochs -> iterations), ranges from `validateAlsParams`; learning_rate and batch_size are
 * range-checked and then only reported as unused (`hyperparameterWarnings`).
 */
export function hyperparameterIssues(modelType: ModelType, hp: Record<string, number>): HyperparameterIssue[] {
  if (modelType === "item_to_item" || modelType === "auto") {
    const issues: HyperparameterIssue[] = [];
    const rest: Record<string, number> = {};
    for (const [field, v] of Object.entries(hp)) {
      const own = Object.hasOwn(ITEM_TO_ITEM_HYPERPARAMETERS, field) ? ITEM_TO_ITEM_HYPERPARAMETERS[field] : undefined;
      const generic = Object.hasOwn(GENERIC_HYPERPARAMETERS, field) ? GENERIC_HYPERPARAMETERS[field] : undefined;
      if (own) {
        const issue = rangeIssue(field, v, own);
        if (issue) issues.push(issue);
      } else if (modelType === "auto") rest[field] = v;
      else if (generic) {
        const issue = rangeIssue(field, v, generic);
        if (issue) issues.push(issue);
      } else
        issues.push({
          field,
          message: `unknown hyperparameter for item_to_item; allowed: ${Object.keys(ITEM_TO_ITEM_HYPERPARAMETERS).join(", ")}`,
        });
    }
    // auto: everything else is the ALS candidate's.
    return modelType === "auto" ? [...issues, ...hyperparameterIssues("matrix_factorization", rest)] : issues;
  }
  if (modelType !== "matrix_factorization") {
    const issues: HyperparameterIssue[] = [];
    for (const [field, v] of Object.entries(hp)) {
      const r = Object.hasOwn(GENERIC_HYPERPARAMETERS, field) ? GENERIC_HYPERPARAMETERS[field] : undefined;
      if (!r) {
        issues.push({
          field,
          message: `unknown hyperparameter for ${modelType}; allowed: ${Object.keys(GENERIC_HYPERPARAMETERS).join(", ")}`,
        });
        continue;
      }
      const issue = rangeIssue(field, v, r);
      if (issue) issues.push(issue);
    }
    return issues;
  }
  const issues: HyperparameterIssue[] = [];
  const als: Record<string, unknown> = {};
  const sentAs: Record<string, string> = {};
  for (const [field, v] of Object.entries(hp)) {
    if (Object.hasOwn(UNUSED_BY_ALS, field)) {
      const issue = rangeIssue(field, v, GENERIC_HYPERPARAMETERS[field]!);
      if (issue) issues.push(issue);
      continue;
    }
    const name = alsNameOf(field);
    if (!name) {
      issues.push({
        field,
        message: `unknown hyperparameter for matrix_factorization; allowed: ${[
          ...Object.keys(ALS_NAMES),
          ...Object.keys(ALS_ALIASES),
        ].join(", ")}`,
      });
      continue;
    }
    const target = ALS_NAMES[name];
    if (Object.hasOwn(als, target)) {
      issues.push({ field, message: `${field} and ${sentAs[target]} name the same hyperparameter; give one of them` });
      continue;
    }
    als[target] = v;
    sentAs[target] = field;
  }
  for (const issue of validateAlsParams(als)) {
    issues.push({ field: sentAs[issue.field] ?? issue.field, message: issue.message });
  }
  return issues;
}

/**
 * The hyperparameters a valid request runs with, ALS names for matrix_factorization. Only
 * what the request gave, plus the settings that are never searched (iterations, cg_steps,
 * seed) with their defaults: factors, regularization, alpha and frequency_scaling left out
 * are chosen by the trainer on a validation split (core/ml/tuning.ts).
 */
export function resolveHyperparameters(modelType: ModelType, hp: Record<string, number>): Record<string, number> {
  if (modelType === "item_to_item")
    return Object.fromEntries(Object.entries(hp).filter(([f]) => Object.hasOwn(ITEM_TO_ITEM_HYPERPARAMETERS, f)));
  if (modelType === "auto") {
    const own = Object.entries(hp).filter(([f]) => Object.hasOwn(ITEM_TO_ITEM_HYPERPARAMETERS, f));
    const als = Object.fromEntries(Object.entries(hp).filter(([f]) => !Object.hasOwn(ITEM_TO_ITEM_HYPERPARAMETERS, f)));
    return { ...resolveHyperparameters("matrix_factorization", als), ...Object.fromEntries(own) };
  }
  if (modelType !== "matrix_factorization") return { ...hp, epochs: hp.epochs ?? GENERIC_DEFAULT_EPOCHS };
  const out: Partial<MatrixFactorizationHyperparameters> = {
    iterations: ALS_DEFAULTS.iterations,
    cg_steps: ALS_DEFAULTS.cgSteps,
    seed: ALS_DEFAULTS.seed,
  };
  for (const [field, v] of Object.entries(hp)) {
    const name = alsNameOf(field);
    if (name) out[name] = v;
  }
  return out as Record<string, number>;
}

/** One sentence per hyperparameter the request gave that its model type does not use (the job's `warnings`). */
export function hyperparameterWarnings(modelType: ModelType, hp: Record<string, number>): string[] {
  if (modelType === "item_to_item")
    return Object.keys(hp)
      .filter((f) => Object.hasOwn(GENERIC_HYPERPARAMETERS, f))
      .map((f) => `${f} ${UNUSED_BY_ITEM_TO_ITEM}`);
  if (modelType !== "matrix_factorization" && modelType !== "auto") return [];
  return Object.keys(hp)
    .filter((f) => Object.hasOwn(UNUSED_BY_ALS, f))
    .map((f) => UNUSED_BY_ALS[f]!);
}

/** Epochs a job will run (ALS iterations for matrix_factorization). */
export function totalEpochsOf(modelType: ModelType, resolved: Record<string, number>): number {
  if (modelType === "item_to_item") return 1; // one closed-form fit
  return (
    (modelType === "matrix_factorization" || modelType === "auto" ? resolved.iterations : resolved.epochs) ??
    GENERIC_DEFAULT_EPOCHS
  );
}

/**
 * Minutes a matrix_factorization job should take, from bench/train (docs/benchmarks.md):
 * 0.87 s per iteration per 1M interactions at 64 factors with 3 CG steps, one thread. Cost is
 * taken as linear in interactions, iterations, factors / 64 and CG steps / 3 (the exact solve,
 * cg_steps 0, measured 3.9x the default). A job that leaves any of factors, regularization,
 * alpha or frequency_scaling to the search adds the search's time budget (core/ml/tuning.ts),
 * an upper bound: the search stops when it is spent. Rounded up, at least 1 minute.
 */
export const SECONDS_PER_ITERATION_PER_MILLION = 0.9;

export function estimateDurationMinutes(rows: number, hp: Record<string, number>): number {
  const factors = hp.factors ?? ALS_DEFAULTS.factors;
  const iterations = hp.iterations ?? hp.epochs ?? ALS_DEFAULTS.iterations;
  const cgSteps = hp.cg_steps ?? ALS_DEFAULTS.cgSteps;
  const solver = cgSteps === 0 ? 3.9 : cgSteps / 3;
  const fit = SECONDS_PER_ITERATION_PER_MILLION * (rows / 1e6) * iterations * (factors / 64) * solver;
  const searched = ["factors", "regularization", "alpha", "frequency_scaling"].some((n) => hp[n] === undefined);
  const seconds = fit + (searched ? tuningBudgetSeconds(rows) : 0);
  return Math.max(1, Math.ceil(seconds / 60));
}
