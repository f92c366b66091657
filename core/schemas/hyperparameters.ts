import { ALS_DEFAULTS, validateAlsParams, type AlsParams } from "../ml/als";
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

/** Generic names for the model types that are not implemented yet (validated loosely, never run). */
const GENERIC_HYPERPARAMETERS: Record<string, { min: number; max: number; integer: boolean; exclusiveMin?: boolean }> =
  {
    embedding_dim: { min: 1, max: 4096, integer: true },
    epochs: { min: 1, max: 1000, integer: true },
    learning_rate: { min: 0, max: 10, integer: false, exclusiveMin: true },
    batch_size: { min: 1, max: 1_000_000, integer: true },
  };
const GENERIC_DEFAULT_EPOCHS = 10;

const LEARNING_RATE_MESSAGE =
  "learning_rate does not apply to matrix_factorization: ALS solves each half-step in closed form, " +
  "so there is no step size; remove it (tune regularization and alpha instead)";

export type HyperparameterIssue = { field: string; message: string };

/**
 * Checks `hp` for `modelType`; `field` is the name as the client sent it. For
 * matrix_factorization: ALS names and the contract's aliases (embedding_dim -> factors,
 * epochs -> iterations), ranges from `validateAlsParams`; learning_rate is refused.
 */
export function hyperparameterIssues(modelType: ModelType, hp: Record<string, number>): HyperparameterIssue[] {
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
      const range = `${r.exclusiveMin ? `> ${r.min}` : `>= ${r.min}`} and <= ${r.max}`;
      if ((r.integer && !Number.isInteger(v)) || v < r.min || v > r.max || (r.exclusiveMin && v === r.min))
        issues.push({ field, message: `must be ${r.integer ? "an integer " : ""}${range}, got ${v}` });
    }
    return issues;
  }
  const issues: HyperparameterIssue[] = [];
  const als: Record<string, unknown> = {};
  const sentAs: Record<string, string> = {};
  for (const [field, v] of Object.entries(hp)) {
    if (field === "learning_rate") {
      issues.push({ field, message: LEARNING_RATE_MESSAGE });
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

/** The hyperparameters a valid request runs with: defaults filled in, ALS names for matrix_factorization. */
export function resolveHyperparameters(modelType: ModelType, hp: Record<string, number>): Record<string, number> {
  if (modelType !== "matrix_factorization") return { ...hp, epochs: hp.epochs ?? GENERIC_DEFAULT_EPOCHS };
  const out: MatrixFactorizationHyperparameters = {
    factors: ALS_DEFAULTS.factors,
    iterations: ALS_DEFAULTS.iterations,
    regularization: ALS_DEFAULTS.regularization,
    alpha: ALS_DEFAULTS.alpha,
    cg_steps: ALS_DEFAULTS.cgSteps,
    seed: ALS_DEFAULTS.seed,
  };
  for (const [field, v] of Object.entries(hp)) {
    const name = alsNameOf(field);
    if (name) out[name] = v;
  }
  return out;
}

/** Epochs a job will run (ALS iterations for matrix_factorization). */
export function totalEpochsOf(modelType: ModelType, resolved: Record<string, number>): number {
  return (modelType === "matrix_factorization" ? resolved.iterations : resolved.epochs) ?? GENERIC_DEFAULT_EPOCHS;
}

/**
 * Minutes a matrix_factorization job should take, from bench/train (docs/benchmarks.md):
 * 0.87 s per iteration per 1M interactions at 64 factors with 3 CG steps, one thread. Cost is
 * taken as linear in interactions, iterations, factors / 64 and CG steps / 3 (the exact solve,
 * cg_steps 0, measured 3.9x the default). Rounded up, at least 1 minute.
 */
export const SECONDS_PER_ITERATION_PER_MILLION = 0.9;

export function estimateDurationMinutes(rows: number, hp: Record<string, number>): number {
  const factors = hp.factors ?? ALS_DEFAULTS.factors;
  const iterations = hp.iterations ?? hp.epochs ?? ALS_DEFAULTS.iterations;
  const cgSteps = hp.cg_steps ?? ALS_DEFAULTS.cgSteps;
  const solver = cgSteps === 0 ? 3.9 : cgSteps / 3;
  const seconds = SECONDS_PER_ITERATION_PER_MILLION * (rows / 1e6) * iterations * (factors / 64) * solver;
  return Math.max(1, Math.ceil(seconds / 60));
}
