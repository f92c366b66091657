import { describe, expect, it } from "vitest";
import { ALS_DEFAULTS, trainAls, trainAlsAsync, type AlsParams } from "../ml/als";
import { buildInteractions, type InteractionMatrix } from "../ml/interactions";
import {
  evaluate,
  factorScorer,
  popularityScorer,
  sampleTestUsers,
  splitPerUser,
  usersWithTestItems,
} from "../ml/metrics";
import { syntheticInteractions } from "../ml/synthetic";
import {
  BEATS_POPULARITY_RATIO,
  FALLBACK_PARAMS,
  MIN_VALIDATION_USERS,
  plannedTrials,
  SEARCH_SPACE,
  tuneAls,
} from "../ml/tuning";

/** A small tenant: 300 users, 200 items, 25 events each (the sample data's scale). */
const U = 300;
const I = 200;
const data = syntheticInteractions({ nUsers: U, nItems: I, nInteractions: 7_500, clusters: 10, seed: 5 });
const matrix = buildInteractions(data.users, data.items, data.labels, U, I, { timestamps: data.timestamps });
const split = splitPerUser(matrix, { mode: "fraction", fraction: 0.2, seed: 42 });
const fitCalls: InteractionMatrix[] = [];
const fit = async (m: InteractionMatrix, p: AlsParams) => {
  fitCalls.push(m);
  return trainAls(m, { ...p, iterations: 6 });
};
const testNdcg = (p: AlsParams) => {
  const m = trainAls(split.train, { ...p, iterations: 6 });
  return evaluate(factorScorer(m.userFactors, m.itemFactors, p.factors), split, 10).ndcg;
};

describe("self-tuning ALS (core/ml/tuning.ts)", () => {
  it("chooses settings on validation that beat popularity and the old fixed defaults on the untouched test split", async () => {
    fitCalls.length = 0;
    const report = await tuneAls(split.train, fit, { given: {}, seed: 42 });
    expect(report.verdict).toBe("beats_popularity");
    expect(report.trials.length).toBeGreaterThanOrEqual(SEARCH_SPACE.regularization.length * SEARCH_SPACE.alpha.length);
    expect(report.trials.length).toBeLessThanOrEqual(plannedTrials([]));
    // Every trial is recorded with its validation score, and the chosen one is the best of them.
    const best = Math.max(...report.trials.map((t) => t.ndcg_at_10));
    expect(report.best!.ndcg_at_10).toBe(best);
    expect(report.trials.find((t) => t.ndcg_at_10 === best)!.params).toMatchObject({
      factors: report.chosen.factors,
      regularization: report.chosen.regularization,
    });
    expect(report.best!.ndcg_at_10).toBeGreaterThan(2 * report.popularity.ndcg_at_10);
    // The search never saw the test split: every fit is on a matrix smaller than the training split.
    expect(fitCalls.every((m) => m.nnz < split.train.nnz)).toBe(true);
    // On the test split, the choice beats popularity by far and the old defaults (lambda 50, alpha 2), which collapse here.
    const chosen = testNdcg(report.chosen);
    const defaults = testNdcg({ ...ALS_DEFAULTS });
    const pop = evaluate(popularityScorer(split.train), split, 10).ndcg;
    expect(chosen).toBeGreaterThan(2 * pop);
    expect(chosen).toBeGreaterThan(1.5 * defaults);
  }, 60_000);

  it("searches only what the trigger did not give, and stops the later stages when the budget is spent", async () => {
    const report = await tuneAls(split.train, fit, { given: { factors: 16, alpha: 4 }, seed: 42, budgetSeconds: 0 });
    expect(report.fixed).toEqual(["factors", "alpha"]);
    // Budget 0: only stage 1 runs (in full, plus one step past the grid's edge if the best sits
    // there), over regularization alone here.
    expect(report.trials.every((t) => t.stage === 1)).toBe(true);
    expect(report.trials.length).toBeGreaterThanOrEqual(SEARCH_SPACE.regularization.length);
    expect(report.trials.length).toBeLessThanOrEqual(SEARCH_SPACE.regularization.length + 1);
    expect(report.trials.every((t) => t.params.factors === 16 && t.params.alpha === 4)).toBe(true);
    expect(report.chosen).toMatchObject({ factors: 16, alpha: 4, iterations: ALS_DEFAULTS.iterations });
  });

  it("a search fitted with the yield hook (trainAlsAsync, as the trainer runs it) scores every trial as trainAls does", async () => {
    const options = { given: { factors: 16, alpha: 4 }, seed: 42, budgetSeconds: 0 };
    const plain = await tuneAls(split.train, fit, options);
    let pauses = 0;
    const hooked = await tuneAls(
      split.train,
      (m, p) => trainAlsAsync(m, { ...p, iterations: 6 }, { pause: async () => void pauses++, rowsPerSlice: 50 }),
      options,
    );
    expect(pauses).toBeGreaterThan(0);
    const scores = (r: typeof plain) => r.trials.map((t) => [t.params, t.ndcg_at_10, t.recall_at_10]);
    expect(scores(hooked)).toEqual(scores(plain));
    expect(hooked.chosen).toEqual(plain.chosen);
    expect(hooked.best).toEqual(plain.best);
  });

  it("everything given: nothing searched, the given point judged against popularity", async () => {
    const given = { factors: 16, regularization: 10, alpha: 4, frequencyScaling: 0 };
    const report = await tuneAls(split.train, fit, { given, seed: 42 });
    expect(report.trials).toEqual([]);
    expect(report.chosen).toMatchObject(given);
    expect(report.note).toMatch(/nothing searched/);
    expect(report.verdict).toBe("beats_popularity");
  });

  it("a world where everyone shares one taste: popularity is as good as it gets, the verdict says so", async () => {
    // One cluster: every user draws from the same popularity-skewed items.
    const flat = syntheticInteractions({ nUsers: U, nItems: I, nInteractions: 7_500, clusters: 1, seed: 5 });
    const m = buildInteractions(flat.users, flat.items, flat.labels, U, I);
    const report = await tuneAls(splitPerUser(m, { mode: "fraction", fraction: 0.2, seed: 1 }).train, fit, {
      given: {},
      seed: 42,
      budgetSeconds: 0,
    });
    expect(report.best!.ndcg_at_10).toBeLessThan(BEATS_POPULARITY_RATIO * report.popularity.ndcg_at_10);
    expect(report.verdict).toBe("below_popularity");
  }, 60_000);

  it("too little data to validate: the documented fallback, marked not_validated", async () => {
    const tiny = syntheticInteractions({ nUsers: 12, nItems: 30, nInteractions: 120, clusters: 3, seed: 9 });
    const m = buildInteractions(tiny.users, tiny.items, tiny.labels, 12, 30);
    const report = await tuneAls(m, fit, { given: {}, seed: 1 });
    expect(report.validation_users).toBeLessThan(MIN_VALIDATION_USERS);
    expect(report.verdict).toBe("not_validated");
    expect(report.chosen).toMatchObject(FALLBACK_PARAMS);
    expect(report.trials).toEqual([]);
    // The fallback learns: its factors are not collapsed to zero.
    const model = trainAls(m, report.chosen);
    expect(Math.max(...Array.from(model.userFactors, Math.abs))).toBeGreaterThan(1e-2);
  });

  it("samples at most the asked number of validation users, deterministically", () => {
    const sampled = sampleTestUsers(split, 50, 3);
    expect(usersWithTestItems(sampled)).toBe(50);
    expect(Array.from(sampleTestUsers(split, 50, 3).testItems)).toEqual(Array.from(sampled.testItems));
    expect(sampleTestUsers(split, 10_000, 3)).toBe(split);
  });
});

describe("the search's edges", () => {
  it("steps past the grid when the best point sits on its edge", async () => {
    // A fit that learns only from lambda 100 up (below, it trains with a collapsing lambda): the
    // best grid point is the largest, 100, so the search must also try 1000.
    const seen: number[] = [];
    const fit = async (m: InteractionMatrix, p: AlsParams) => {
      seen.push(p.regularization);
      return trainAls(m, { ...p, iterations: 2, regularization: p.regularization >= 100 ? 5 : 10_000 });
    };
    const report = await tuneAls(split.train, fit, { given: { factors: 8, alpha: 4 }, seed: 42, budgetSeconds: 0 });
    expect(seen).toContain(1000);
    expect(report.trials.some((t) => t.params.regularization === 1000)).toBe(true);
  }, 60_000);
});
