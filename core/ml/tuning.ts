/**
 * Self-tuning training (docs/decisions.md, "Training: self-tuning"): the hyperparameters a
 * trigger does not name are chosen on a validation split carved out of the training split,
 * never on the test split the job reports. Tuning matters more than the model family for
 * implicit ALS (Rendle et al., "Revisiting the Performance of iALS", RecSys 2022), and one
 * fixed default cannot suit a 300-user shop and a 1M-event catalogue alike: regularization 50
 * with alpha 2 collapses every factor of a small tenant to zero (measured on the sample data:
 * validation NDCG@10 0.05, popularity's level, against 0.58 at regularization 10).
 *
 * Search (documented in docs/decisions.md with the figures), stage by stage, each stage
 * centred on the best point so far; the first stage always runs in full, later ones only
 * while the time budget lasts:
 *   1. regularization x alpha on a log grid, frequency scaling 0, then one step past the
 *      grid's edge when the best point sits on it;
 *   2. frequency scaling 0.5 and 1, with regularization rescaled by the data's mean row
 *      weight so that the total penalty stays comparable (x 1/3, 1, 3 around it);
 *   3. regularization x 1/3 and x 3 around the best; 4. alpha x 1/2 and x 2;
 *   5. factors 32 and 128 (64 is the first stages' value).
 * Every trial is scored by NDCG@10 over a full ranking (metrics.ts) on at most
 * MAX_VALIDATION_USERS sampled validation users, beside popularity on the same users.
 */
import { ALS_DEFAULTS, type AlsModel, type AlsParams } from "./als";
import type { InteractionMatrix } from "./interactions";
import {
  evaluate,
  factorScorer,
  popularityScorer,
  sampleTestUsers,
  splitPerUser,
  usersWithTestItems,
  type Evaluation,
  type HoldOut,
} from "./metrics";

/** The hyperparameters the search may choose (the others are the trigger's or the defaults). */
export const TUNABLE = ["factors", "regularization", "alpha", "frequencyScaling"] as const;
export type Tunable = (typeof TUNABLE)[number];

/** The grids of the search (stage 1 is their product at frequency scaling 0 and 64 factors). */
export const SEARCH_SPACE = {
  regularization: [0.1, 1, 10, 100],
  alpha: [1, 4, 16],
  frequencyScaling: [0, 0.5, 1],
  factors: [32, 64, 128],
} as const;

/** Share of each training user's positives held out for validation (seeded). */
export const VALIDATION_FRACTION = 0.2;
/** Validation users scored per trial: the ranking is over every item, so this bounds a trial's evaluation. */
export const MAX_VALIDATION_USERS = 3000;
/** Below this many users with validation items the split says nothing: the fallback is used. */
export const MIN_VALIDATION_USERS = 20;
export const EVAL_K = 10;
/**
 * A model "beats popularity" when its validation NDCG@10 is at least this many times
 * popularity's: a model within noise of the popularity list is not worth personalizing with
 * (notes/ml.md: a model that does not beat popularity by a wide margin is broken).
 */
export const BEATS_POPULARITY_RATIO = 1.1;
const beats = (ndcg: number, pop: number) => ndcg > 0 && ndcg >= BEATS_POPULARITY_RATIO * pop;

/**
 * Used when a tenant has too little data to validate: moderate regularization, confidence
 * well above 1 and few factors, a point that learned on every small world we measured
 * (never collapsed: the data term dominates lambda at this scale) rather than the best one.
 */
export const FALLBACK_PARAMS: Pick<AlsParams, Tunable> = {
  factors: 32,
  regularization: 1,
  alpha: 4,
  frequencyScaling: 0,
};

/**
 * Seconds the search may spend, growing with the data: 20 s plus 400 s per million
 * distinct pairs, at most 30 minutes (the 1M-event bench, 0.6M pairs: about 260 s, 20-odd
 * trials of 8-15 s on a loaded 2-core machine).
 */
export function tuningBudgetSeconds(nnz: number): number {
  return Math.min(1800, 20 + (400 * nnz) / 1e6);
}

/**
 * Iterations of a search trial (the final fit runs the job's own): ALS's ranking settles well
 * before its loss does (on the 1M bench the loss moves 0.01 % after iteration 8), so trials
 * at 8 compare settings as 15 would, at about half the cost.
 */
export const SEARCH_ITERATIONS = 8;

export type TrialParams = Pick<AlsParams, Tunable>;
export type Trial<P = TrialParams> = {
  stage: number;
  /** The family the trial fitted (an `auto` job tries several). */
  model_type: string;
  params: P;
  ndcg_at_10: number;
  recall_at_10: number;
  seconds: number;
};

export type Verdict = "beats_popularity" | "below_popularity" | "not_validated";

/** What a job stores about its search, returned by /api/v1/model/versions (`tuning`). */
export type TuningReport<C = TrialParams & Pick<AlsParams, "iterations" | "cgSteps" | "seed">, P = TrialParams> = {
  /** The family of the chosen settings. */
  model_type: string;
  /** The settings the final model was fitted with (tuned and fixed alike). */
  chosen: C;
  /** Which of them the trigger fixed; the rest were searched. */
  fixed: string[];
  search_space: Record<string, readonly (number | string)[]>;
  trials: Trial<P>[];
  /** Popularity on the same validation users. */
  popularity: { ndcg_at_10: number; recall_at_10: number };
  best: { ndcg_at_10: number; recall_at_10: number } | null;
  validation_users: number;
  budget_seconds: number;
  seconds: number;
  /** `beats_popularity` is the only verdict automation deploys. */
  verdict: Verdict;
  note?: string;
};

export type FitAls = (train: InteractionMatrix, params: AlsParams) => Promise<AlsModel>;

export type TuneOptions = {
  /** Hyperparameters the trigger gave (ALS names); the tunable ones among them are not searched. */
  given: Partial<AlsParams>;
  seed: number;
  budgetSeconds?: number;
  now?: () => number;
  /** Called after each trial (progress reporting); its trial count is the planned maximum. */
  onTrial?: (trial: Trial<Record<string, number | string>>, done: number, planned: number) => void | Promise<void>;
};

/** Mean over all rows (users and items) of (1 + n)^s: what frequency scaling multiplies lambda by, on average. */
function meanRowScale(m: InteractionMatrix, s: number): number {
  let total = 0;
  for (let u = 0; u < m.nUsers; u++) total += Math.pow(1 + m.userPtr[u + 1]! - m.userPtr[u]!, s);
  for (let i = 0; i < m.nItems; i++) total += Math.pow(1 + m.itemPtr[i + 1]! - m.itemPtr[i]!, s);
  return total / Math.max(1, m.nUsers + m.nItems);
}

const roundParam = (v: number) => Number(v.toPrecision(3));
const key = (p: TrialParams) => `${p.factors}|${p.regularization}|${p.alpha}|${p.frequencyScaling}`;

/**
 * Chooses the tunable hyperparameters on a validation split of `train` (which must not
 * contain the job's test split). Returns the report; the caller fits the final model once
 * with `report.chosen`.
 */
export async function tuneAls(train: InteractionMatrix, fit: FitAls, options: TuneOptions): Promise<TuningReport> {
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const given = options.given;
  const fixed = TUNABLE.filter((t) => given[t] !== undefined);
  const fixedRest = {
    iterations: given.iterations ?? ALS_DEFAULTS.iterations,
    cgSteps: given.cgSteps ?? ALS_DEFAULTS.cgSteps,
    seed: given.seed ?? ALS_DEFAULTS.seed,
  };
  const budget = options.budgetSeconds ?? tuningBudgetSeconds(train.nnz);
  const pin = (p: TrialParams): TrialParams => ({
    factors: given.factors ?? p.factors,
    regularization: given.regularization ?? p.regularization,
    alpha: given.alpha ?? p.alpha,
    frequencyScaling: given.frequencyScaling ?? p.frequencyScaling,
  });
  const base = {
    model_type: "matrix_factorization",
    fixed,
    search_space: SEARCH_SPACE,
    budget_seconds: Math.round(budget),
  };

  const split = splitPerUser(train, { mode: "fraction", fraction: VALIDATION_FRACTION, seed: options.seed + 1 });
  const validation = sampleTestUsers(split, MAX_VALIDATION_USERS, options.seed + 2);
  const validationUsers = usersWithTestItems(validation);
  const pop = evaluate(popularityScorer(validation.train), validation, EVAL_K);
  const popularity = { ndcg_at_10: round(pop.ndcg), recall_at_10: round(pop.recall) };
  if (validationUsers < MIN_VALIDATION_USERS || fixed.length === TUNABLE.length) {
    const chosen = { ...pin(FALLBACK_PARAMS), ...fixedRest };
    const everythingGiven = fixed.length === TUNABLE.length;
    let best: TuningReport["best"] = null;
    let verdict: Verdict = "not_validated";
    if (validationUsers >= MIN_VALIDATION_USERS) {
      // Nothing to search, but the given point can still be judged against popularity.
      const e = await score(validation, fit, { ...chosen });
      best = { ndcg_at_10: round(e.ndcg), recall_at_10: round(e.recall) };
      verdict = beats(e.ndcg, pop.ndcg) ? "beats_popularity" : "below_popularity";
    }
    return {
      ...base,
      chosen,
      trials: [],
      popularity,
      best,
      validation_users: validationUsers,
      seconds: round((now() - t0) / 1000),
      verdict,
      note: everythingGiven
        ? "every tunable hyperparameter was given: nothing searched"
        : `too little data to validate (${validationUsers} users with validation items, ${MIN_VALIDATION_USERS} needed): fallback settings`,
    };
  }

  const trials: Trial[] = [];
  const seen = new Set<string>();
  let best: { params: TrialParams; e: Evaluation } | undefined;
  let lastSeconds = 0;
  const planned = plannedTrials(fixed);
  const tryPoint = async (stage: number, raw: TrialParams, force: boolean): Promise<void> => {
    const p = pin({ ...raw, regularization: roundParam(raw.regularization), alpha: roundParam(raw.alpha) });
    if (seen.has(key(p))) return;
    if (!force && (now() - t0) / 1000 + lastSeconds > budget) return;
    seen.add(key(p));
    const started = now();
    const e = await score(validation, fit, {
      ...p,
      ...fixedRest,
      iterations: Math.min(fixedRest.iterations, SEARCH_ITERATIONS),
    });
    lastSeconds = (now() - started) / 1000;
    const trial = {
      stage,
      model_type: "matrix_factorization",
      params: p,
      ndcg_at_10: round(e.ndcg),
      recall_at_10: round(e.recall),
      seconds: round(lastSeconds),
    };
    trials.push(trial);
    if (!best || e.ndcg > best.e.ndcg) best = { params: p, e };
    await options.onTrial?.(trial, trials.length, planned);
  };

  const start: TrialParams = { factors: 64, regularization: 1, alpha: 4, frequencyScaling: 0 };
  for (const regularization of SEARCH_SPACE.regularization)
    for (const alpha of SEARCH_SPACE.alpha) await tryPoint(1, { ...start, regularization, alpha }, true);
  const b = () => best!.params;
  // A best point on the grid's edge says the optimum may lie beyond it: one step further out
  // (x 10 for regularization, x 4 for alpha) runs whatever the budget.
  const regs = SEARCH_SPACE.regularization;
  const alphas = SEARCH_SPACE.alpha;
  if (b().regularization === regs.at(-1)) await tryPoint(1, { ...b(), regularization: regs.at(-1)! * 10 }, true);
  if (b().regularization === regs[0]) await tryPoint(1, { ...b(), regularization: regs[0] / 10 }, true);
  if (b().alpha === alphas.at(-1)) await tryPoint(1, { ...b(), alpha: alphas.at(-1)! * 4 }, true);
  if (given.frequencyScaling === undefined) {
    const plain = meanRowScale(validation.train, 0);
    for (const s of SEARCH_SPACE.frequencyScaling.filter((s) => s > 0)) {
      const rescale = meanRowScale(validation.train, s) / plain;
      for (const m of [1 / 3, 1, 3])
        await tryPoint(2, { ...b(), frequencyScaling: s, regularization: (b().regularization * m) / rescale }, false);
    }
  }
  for (const m of [1 / 3, 3]) await tryPoint(3, { ...b(), regularization: b().regularization * m }, false);
  for (const m of [1 / 2, 2]) await tryPoint(4, { ...b(), alpha: b().alpha * m }, false);
  for (const factors of SEARCH_SPACE.factors) await tryPoint(5, { ...b(), factors }, false);

  const winner = best!;
  return {
    ...base,
    chosen: { ...winner.params, ...fixedRest },
    trials,
    popularity,
    best: { ndcg_at_10: round(winner.e.ndcg), recall_at_10: round(winner.e.recall) },
    validation_users: validationUsers,
    seconds: round((now() - t0) / 1000),
    verdict: beats(winner.e.ndcg, pop.ndcg) ? "beats_popularity" : "below_popularity",
  };
}

async function score(validation: HoldOut, fit: FitAls, params: AlsParams): Promise<Evaluation> {
  const model = await fit(validation.train, params);
  return evaluate(factorScorer(model.userFactors, model.itemFactors, params.factors), validation, EVAL_K);
}

/** The most trials the search can run (for progress): the stages' sizes, less what the trigger fixed. */
export function plannedTrials(fixed: readonly Tunable[]): number {
  const stage1 =
    (fixed.includes("regularization") ? 1 : SEARCH_SPACE.regularization.length) *
      (fixed.includes("alpha") ? 1 : SEARCH_SPACE.alpha.length) +
    (fixed.includes("regularization") ? 0 : 1) +
    (fixed.includes("alpha") ? 0 : 1);
  const stage2 = fixed.includes("frequencyScaling") || fixed.includes("regularization") ? 0 : 6;
  const stage3 = fixed.includes("regularization") ? 0 : 2;
  const stage4 = fixed.includes("alpha") ? 0 : 2;
  const stage5 = fixed.includes("factors") ? 0 : 2;
  return stage1 + stage2 + stage3 + stage4 + stage5;
}

export const round = (v: number) => Math.round(v * 1e6) / 1e6;
export const beatsPopularity = beats;
