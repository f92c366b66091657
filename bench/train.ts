/**
 * bench/train: a training job as trainer/src/job.ts runs it, on a 1M-event synthetic set
 * (10k users, 5k items, planted tastes, long-tail popularity; core/ml/synthetic.ts).
 *
 * In one run, one Node thread:
 *   0. the events written as Parquet day files (core/ingest/parquet.ts), served from a local
 *      HTTP server (127.0.0.1, random port) and read back with trainer/src/read-data.ts
 *      (`readRows`), then indexed with interactionsFromRows, as the trainer does;
 *   1. the search (core/ml/tuning.ts, `tuneAls`) on a validation split carved out of the
 *      training split (20% of each user's positives held out as the test split, seeded as the
 *      trainer seeds it): every trial, the chosen settings, the verdict, the budget;
 *   2. on the TEST split, which the search never saw (full ranking over every item the user has
 *      no training entry for; Recall@10 and NDCG@10): the chosen ALS fitted once on the training
 *      split, ALS with ALS_DEFAULTS (the old fixed defaults), popularity, item-kNN; and, as EASE
 *      is limited to EASE_MAX_ITEMS items, EASE on the 2000 most popular items (training
 *      popularity) beside item-kNN, the chosen ALS settings and popularity on that same
 *      sub-catalogue;
 *   3. the share of the job spent reading data: read / (read + search + final fit + test evaluation);
 *   4. ALS speed (BENCH_SPEED=0 skips it): CG against the exact Cholesky solve per iteration,
 *      the plain reference (bench/lib/als-reference.ts, one iteration timed, optionally on the
 *      first BENCH_REF_FRACTION of rows and scaled up; its solutions compared to ours from the
 *      same init), and fold-in (one user vector from 50 items, as the edge computes it).
 * Run: npm run bench:train (about 10 minutes on the 2-core development machine, speed section included).
 */
import os from "node:os";
import { ALS_DEFAULTS, resolveAlsParams, trainAls, type AlsModel, type AlsParams } from "../core/ml/als";
import { EASE_MAX_ITEMS, easeModel } from "../core/ml/ease";
import { buildInteractions, interactionsFromRows, type InteractionMatrix } from "../core/ml/interactions";
import { itemKnnModel } from "../core/ml/item-knn";
import { itemToItemScorer } from "../core/ml/item-to-item";
import {
  evaluate,
  factorScorer,
  popularityScorer,
  splitPerUser,
  type Evaluation,
  type HoldOut,
  type Scorer,
} from "../core/ml/metrics";
import { syntheticInteractions } from "../core/ml/synthetic";
import { SEARCH_ITERATIONS, tuneAls, type FitAls } from "../core/ml/tuning";
import { readRows } from "../trainer/src/read-data";
import { alsSpeed } from "./lib/als-speed";
import { f2, f4, progress, seconds } from "./lib/format";
import { table } from "./lib/stats";
import { topItemsSplit } from "./lib/sub-catalogue";
import { serveFiles, writeDayFiles } from "./lib/training-files";

const USERS = 10_000;
const ITEMS = 5_000;
const EVENTS = 1_000_000;
/** As the trainer: test split 20% of each user's positives, seeded with the ALS seed. */
const HOLD_OUT_FRACTION = 0.2;
const SEED = ALS_DEFAULTS.seed;
const EVAL_K = 10;
const SPEED = process.env.BENCH_SPEED !== "0";
const ITERS = Number(process.env.BENCH_ITERS ?? ALS_DEFAULTS.iterations);
const REF_FRACTION = Number(process.env.BENCH_REF_FRACTION ?? 1);

const runStarted = performance.now();
const n = (v: number) => v.toLocaleString("en");

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "?"} x ${os.cpus().length}, one thread`);

// --- 0. the training data, as the trainer receives and reads it --------------------------------
let t = performance.now();
const data = syntheticInteractions({ nUsers: USERS, nItems: ITEMS, nInteractions: EVENTS, seed: 7 });
const genS = seconds(t);
t = performance.now();
const days = writeDayFiles(data);
const writeS = seconds(t);
const totalBytes = days.reduce((s, d) => s + d.bytes.length, 0);
const server = await serveFiles(new Map(days.map((d) => [`/data/training_data/${d.date}/events.parquet`, d.bytes])));
let readS: number;
let rowCount: number;
let indexS: number;
let matrix: InteractionMatrix;
try {
  const files = days.map((d) => ({
    url: `${server.baseUrl}/data/training_data/${d.date}/events.parquet`,
    row_count: d.rows,
    size_bytes: d.bytes.length,
  }));
  t = performance.now();
  const rows = await readRows(files);
  readS = seconds(t);
  rowCount = rows.length;
  t = performance.now();
  matrix = interactionsFromRows(rows).matrix;
  indexS = seconds(t);
} finally {
  await server.close();
}
// The same events built directly, as a check that the Parquet round trip lost nothing.
const direct = buildInteractions(data.users, data.items, data.labels, USERS, ITEMS, { timestamps: data.timestamps });
const valueSum = (m: InteractionMatrix) => m.userValues.reduce((s, v) => s + v, 0);
const roundTripOk =
  rowCount === EVENTS &&
  matrix.nnz === direct.nnz &&
  matrix.nUsers === USERS &&
  matrix.nItems === ITEMS &&
  Math.abs(valueSum(matrix) - valueSum(direct)) < 1e-6 * valueSum(direct);
const split = splitPerUser(matrix, { mode: "fraction", fraction: HOLD_OUT_FRACTION, seed: SEED });
console.log(
  `${n(EVENTS)} events (generated in ${f2(genS)} s) -> ${days.length} Parquet day files, ` +
    `${(totalBytes / 1e6).toFixed(1)} MB (written in ${f2(writeS)} s), served on 127.0.0.1;\n` +
    `readRows: ${n(rowCount)} rows in ${f2(readS)} s, interactionsFromRows ${f2(indexS)} s -> ` +
    `${n(matrix.nnz)} distinct pairs of ${n(matrix.nUsers)} users x ${n(matrix.nItems)} items ` +
    `(${roundTripOk ? "same pairs and values as building the events directly" : "DIFFERS from building the events directly"});\n` +
    `test split ${HOLD_OUT_FRACTION * 100}% per user (seed ${SEED}): train ${n(split.train.nnz)} pairs, ` +
    `test ${n(split.testItems.length)} positives`,
);

// --- 1. the search, as the trainer runs it ------------------------------------------------------
const fit: FitAls = (train, p) => new Promise<AlsModel>((resolve) => resolve(trainAls(train, p)));
t = performance.now();
const tuning = await tuneAls(split.train, fit, {
  given: {},
  seed: SEED,
  onTrial: (trial, done, planned) =>
    progress(
      `trial ${done}/${planned}: k=${trial.params.factors} lambda=${trial.params.regularization} ` +
        `alpha=${trial.params.alpha} fs=${trial.params.frequencyScaling}: NDCG@10 ${f4(trial.ndcg_at_10)} ` +
        `(${trial.seconds.toFixed(1)} s)`,
    ),
});
const searchS = seconds(t);
const c = tuning.chosen;
console.log(
  `\n1. search (tuneAls on the training split, trainAls as the fit): ${tuning.trials.length} trials in ` +
    `${searchS.toFixed(1)} s wall, budget ${tuning.budget_seconds} s; ${n(tuning.validation_users)} validation users, ` +
    `${Math.min(c.iterations, SEARCH_ITERATIONS)} iterations (the final fit ${c.iterations}), ${c.cgSteps} CG steps per trial\n`,
);
console.log(
  table(
    tuning.trials.map((tr, i) => ({
      trial: i + 1,
      stage: tr.stage,
      factors: tr.params.factors,
      lambda: String(tr.params.regularization),
      alpha: String(tr.params.alpha),
      freq_scaling: String(tr.params.frequencyScaling),
      val_ndcg_at_10: f4(tr.ndcg_at_10),
      val_recall_at_10: f4(tr.recall_at_10),
      seconds: tr.seconds.toFixed(1),
    })),
  ),
);
console.log(
  `\nchosen: k=${c.factors} lambda=${c.regularization} alpha=${c.alpha} frequency scaling=${c.frequencyScaling} ` +
    `(${c.iterations} iterations, ${c.cgSteps} CG steps, seed ${c.seed}); validation NDCG@10 ` +
    `${tuning.best ? f4(tuning.best.ndcg_at_10) : "-"} vs popularity ${f4(tuning.popularity.ndcg_at_10)}; ` +
    `verdict ${tuning.verdict}${tuning.note ? ` (${tuning.note})` : ""}`,
);

// --- 2. the test split ----------------------------------------------------------------------------
type Row = { model: string; catalogue: string; fit_s: number; eval_s: number; q: Evaluation };
const results: Row[] = [];
const measure = (model: string, catalogue: string, on: HoldOut, build: () => Scorer): Row => {
  let t0 = performance.now();
  const scorer = build();
  const fitS = seconds(t0);
  t0 = performance.now();
  const q = evaluate(scorer, on, EVAL_K);
  const row = { model, catalogue, fit_s: fitS, eval_s: seconds(t0), q };
  results.push(row);
  progress(`${model} (${catalogue}): fit ${f2(fitS)} s, NDCG@10 ${f4(q.ndcg)}`);
  return row;
};
const alsScorer = (train: InteractionMatrix, p: AlsParams, keep?: (m: AlsModel, perIter: number[]) => void) => () => {
  const perIter: number[] = [];
  const m = trainAls(train, p, { onIteration: (it) => perIter.push(it.seconds) });
  keep?.(m, perIter);
  return factorScorer(m.userFactors, m.itemFactors, p.factors);
};
const chosen = resolveAlsParams(tuning.chosen);
const chosenName = `ALS chosen (k=${chosen.factors}, lambda ${chosen.regularization}, alpha ${chosen.alpha}, fs ${chosen.frequencyScaling})`;
const full = `all ${n(matrix.nItems)}`;
const finalRow = measure(chosenName, full, split, alsScorer(split.train, chosen));
const popRow = measure("popularity", full, split, () => popularityScorer(split.train));
/** The ALS_DEFAULTS fit with its per-iteration times, reused by the speed section (the same training). */
let defaultsRun: { model: AlsModel; perIter: number[]; q?: Evaluation } | undefined;
const defaultsRow = measure(
  `ALS_DEFAULTS (k=${ALS_DEFAULTS.factors}, lambda ${ALS_DEFAULTS.regularization}, alpha ${ALS_DEFAULTS.alpha})`,
  full,
  split,
  alsScorer(split.train, ALS_DEFAULTS, (model, perIter) => (defaultsRun = { model, perIter })),
);
defaultsRun!.q = defaultsRow.q;
measure("item-kNN (defaults)", full, split, () => itemToItemScorer(itemKnnModel(split.train), split.train));
const sub = topItemsSplit(split, EASE_MAX_ITEMS);
const subName = `top ${n(sub.items.length)}`;
measure("EASE (defaults)", subName, sub.split, () => itemToItemScorer(easeModel(sub.split.train), sub.split.train));
measure("item-kNN (defaults)", subName, sub.split, () =>
  itemToItemScorer(itemKnnModel(sub.split.train), sub.split.train),
);
measure(chosenName, subName, sub.split, alsScorer(sub.split.train, chosen));
measure("popularity", subName, sub.split, () => popularityScorer(sub.split.train));

console.log(
  `\n2. test split (never seen by the search), Recall@10 / NDCG@10 over a full ranking; fit once on the training split\n`,
);
console.log(
  table(
    results.map((r) => ({
      model: r.model,
      catalogue: r.catalogue,
      fit_s: f2(r.fit_s),
      eval_s: f2(r.eval_s),
      users: r.q.users,
      recall_at_10: f4(r.q.recall),
      ndcg_at_10: f4(r.q.ndcg),
    })),
  ),
);
console.log(
  `\nEASE fits at most ${EASE_MAX_ITEMS} items, so it runs on a sub-catalogue: the ${n(sub.items.length)} items with the ` +
    `most users in training, every user's events restricted to them (${(sub.shareOfPairs * 100).toFixed(1)}% of the ` +
    `pairs); the "top" rows are all trained and evaluated on that same sub-world (ALS with the chosen settings, ` +
    `not re-searched), so compare them with one another, not with the "all" rows`,
);

// --- 3. share of the job spent reading ------------------------------------------------------------
const testEvalS = finalRow.eval_s + popRow.eval_s;
const jobS = readS + searchS + finalRow.fit_s + testEvalS;
console.log(
  `\n3. reading the data: ${f2(readS)} s of ${jobS.toFixed(1)} s = ${((readS / jobS) * 100).toFixed(1)}% of the job ` +
    `(read ${f2(readS)} + search ${searchS.toFixed(1)} + final fit ${f2(finalRow.fit_s)} + test evaluation of ` +
    `ALS and popularity ${f2(testEvalS)} s); interactionsFromRows, not counted, ${f2(indexS)} s`,
);

// --- 4. ALS speed -----------------------------------------------------------------------------------
if (SPEED)
  alsSpeed({ train: split.train, split, iterations: ITERS, refFraction: REF_FRACTION, evalK: EVAL_K, defaultsRun });
else console.log("\n4. ALS speed: skipped (BENCH_SPEED=0)");
console.log(`\nwhole run ${(seconds(runStarted) / 60).toFixed(1)} min`);
