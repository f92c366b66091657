/**
 * bench/train: implicit ALS training speed and held-out quality on a 1M-interaction synthetic
 * set (10k users, 5k items, planted tastes, long-tail popularity; core/ml/synthetic.ts).
 *
 * In one run, one Node thread each:
 *   - edge-ml ALS (core/ml/als.ts) with conjugate gradient (the default) and with the exact
 *     Cholesky solve: seconds per iteration and total, training loss;
 *   - the plain reference (bench/lib/als-reference.ts: textbook equations over number[][],
 *     Gaussian elimination), one iteration timed (its total for all iterations is that times
 *     the iteration count, stated as an estimate), optionally on the first BENCH_REF_FRACTION
 *     of users and items and scaled up; its solutions are compared to ours from the same init;
 *   - Recall@10 / NDCG@10 on a per-user 20% hold-out, full ranking over every item the user
 *     has no training entry for, beside the popularity baseline;
 *   - fold-in: one user vector from 50 items, as the edge computes it per request.
 * BENCH_TUNE=1 first searches regularization x alpha on a validation split carved out of the
 * training split (the test split is not looked at). Run: npm run bench:train
 */
import os from "node:os";
import { ALS_DEFAULTS, initialFactors, solveFactors, trainAls, type AlsParams } from "../core/ml/als";
import { foldInUser } from "../core/ml/fold-in";
import { buildInteractions, type InteractionMatrix } from "../core/ml/interactions";
import { gramMatrix } from "../core/ml/linalg";
import { evaluate, factorScorer, popularityScorer, splitPerUser, type HoldOut } from "../core/ml/metrics";
import { syntheticInteractions } from "../core/ml/synthetic";
import { refHalfStep, type RefRows } from "./lib/als-reference";
import { summarize, table } from "./lib/stats";

const USERS = 10_000;
const ITEMS = 5_000;
const EVENTS = 1_000_000;
const K = 64;
const ITERS = Number(process.env.BENCH_ITERS ?? 15);
const REF_FRACTION = Number(process.env.BENCH_REF_FRACTION ?? 1);
const params: Partial<AlsParams> = { factors: K, iterations: ITERS, seed: 42 };

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "?"} x ${os.cpus().length}, one thread`);
let t = performance.now();
const data = syntheticInteractions({ nUsers: USERS, nItems: ITEMS, nInteractions: EVENTS, seed: 7 });
const genS = (performance.now() - t) / 1000;
t = performance.now();
const matrix = buildInteractions(data.users, data.items, data.labels, USERS, ITEMS, { timestamps: data.timestamps });
const buildS = (performance.now() - t) / 1000;
const split = splitPerUser(matrix, { mode: "fraction", fraction: 0.2, seed: 3 });
console.log(
  `${EVENTS.toLocaleString("en")} events -> ${matrix.nnz.toLocaleString("en")} distinct user-item pairs ` +
    `(generated in ${genS.toFixed(2)} s, CSR+CSC built in ${buildS.toFixed(2)} s); ` +
    `train ${split.train.nnz.toLocaleString("en")}, held out ${split.testItems.length.toLocaleString("en")} ` +
    `positives of ${USERS.toLocaleString("en")} users`,
);

if (process.env.BENCH_TUNE === "1") tune(split.train);

// --- popularity and edge-ml ALS --------------------------------------------------------------
const pop = evaluate(popularityScorer(split.train), split, 10);
const runs: {
  name: string;
  cgSteps: number;
  perIter: number[];
  losses: number[];
  total: number;
  q: ReturnType<typeof evaluate>;
}[] = [];
for (const cgSteps of [ALS_DEFAULTS.cgSteps, 0]) {
  const perIter: number[] = [];
  const model = trainAls(split.train, { ...params, cgSteps }, { onIteration: (p) => perIter.push(p.seconds) });
  const q = evaluate(factorScorer(model.userFactors, model.itemFactors, K), split, 10);
  const name = cgSteps ? `edge-ml ALS, CG ${cgSteps} steps` : "edge-ml ALS, exact (Cholesky)";
  runs.push({ name, cgSteps, perIter, losses: model.losses, total: model.seconds, q });
  console.log(`${name}: ${model.seconds.toFixed(2)} s for ${ITERS} iterations`);
}

// --- the plain reference, on a subset, from the same initial factors -------------------------
const p = { ...ALS_DEFAULTS, ...params };
const init = initialFactors(USERS, ITEMS, K, p.seed);
const toRows = (m: InteractionMatrix, byUser: boolean): RefRows => {
  const ptr = byUser ? m.userPtr : m.itemPtr;
  const idx = byUser ? m.userItems : m.itemUsers;
  const val = byUser ? m.userValues : m.itemValues;
  return Array.from({ length: ptr.length - 1 }, (_, r) => ({
    items: Array.from(idx.subarray(ptr[r]!, ptr[r + 1]!)),
    values: Array.from(val.subarray(ptr[r]!, ptr[r + 1]!)),
  }));
};
const toNested = (f: Float32Array, n: number): number[][] =>
  Array.from({ length: n }, (_, r) => Array.from(f.subarray(r * K, r * K + K)));
const refUsers = Math.round(USERS * REF_FRACTION);
const refItems = Math.round(ITEMS * REF_FRACTION);
const refX = toNested(init.x, USERS);
// Ours, exact, full user step then full item step: the target the reference must reproduce.
const ourX = Float32Array.from(init.x);
const ourY = Float32Array.from(init.y);
const exactP = { ...p, cgSteps: 0 };
const sides = {
  users: { ptr: split.train.userPtr, idx: split.train.userItems, val: split.train.userValues, n: USERS },
  items: { ptr: split.train.itemPtr, idx: split.train.itemUsers, val: split.train.itemValues, n: ITEMS },
};
solveFactors(sides.users, ourY, gramMatrix(ourY, ITEMS, K), ourX, exactP);
solveFactors(sides.items, ourX, gramMatrix(ourX, USERS, K), ourY, exactP);
t = performance.now();
refHalfStep(toRows(split.train, true), toNested(init.y, ITEMS), refX, K, p.regularization, p.alpha, refUsers);
const refUserS = (performance.now() - t) / 1000;
// Item step against our X (so the comparison isolates the item step), subset of items.
const refY = toNested(init.y, ITEMS);
t = performance.now();
refHalfStep(toRows(split.train, false), toNested(ourX, USERS), refY, K, p.regularization, p.alpha, refItems);
const refItemS = (performance.now() - t) / 1000;
const relDiff = (ref: number[][], ours: Float32Array, n: number) => {
  let worst = 0;
  for (let r = 0; r < n; r++) {
    let d = 0;
    let s = 0;
    for (let f = 0; f < K; f++) {
      d += (ref[r]![f]! - ours[r * K + f]!) ** 2;
      s += ref[r]![f]! ** 2;
    }
    worst = Math.max(worst, Math.sqrt(d / s));
  }
  return worst;
};
const agreeX = relDiff(refX, ourX, refUsers);
const agreeY = relDiff(refY, ourY, refItems);
// Scaled to all rows; each half-step also builds Y^T Y once over all rows, which is not
// scaled (it is a small part: k^2 n, against n_u k^2 + k^3 per row).
const refIter = refUserS * (USERS / refUsers) + refItemS * (ITEMS / refItems);

// --- fold-in at request time -----------------------------------------------------------------
const cgModel = trainAls(split.train, { ...params, iterations: 2 });
const foldTimes: number[] = [];
for (let u = 0; u < 2000; u++) {
  const s = split.train.userPtr[u]!;
  const n = Math.min(50, split.train.userPtr[u + 1]! - s);
  const t0 = performance.now();
  foldInUser(cgModel, split.train.userItems.subarray(s, s + n), split.train.userValues.subarray(s, s + n));
  foldTimes.push(performance.now() - t0);
}
const fold = summarize(foldTimes.slice(200)); // after warm-up

// --- report ------------------------------------------------------------------------------------
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
console.log(`\nper iteration (seconds, training loss), k = ${K}, lambda = ${p.regularization}, alpha = ${p.alpha}\n`);
console.log(
  table(
    runs[0]!.perIter.map((_, i) => ({
      iteration: i + 1,
      cg_s: runs[0]!.perIter[i]!,
      cg_loss: Math.round(runs[0]!.losses[i]!),
      exact_s: runs[1]!.perIter[i]!,
      exact_loss: Math.round(runs[1]!.losses[i]!),
    })),
  ),
);
console.log(
  `\n${USERS} users x ${ITEMS} items, ${EVENTS.toLocaleString("en")} events, k = ${K}, ${ITERS} iterations, one thread\n`,
);
console.log(
  table([
    { model: "popularity (baseline)", s_per_iter: "-", total_s: "-", recall_at_10: pop.recall, ndcg_at_10: pop.ndcg },
    {
      model:
        REF_FRACTION === 1
          ? "plain reference ALS (1 iteration timed)"
          : `plain reference ALS (${Math.round(REF_FRACTION * 100)}% of rows, scaled)`,
      s_per_iter: refIter,
      total_s: `${(refIter * ITERS).toFixed(1)} (est.)`,
      recall_at_10: "-",
      ndcg_at_10: "-",
    },
    ...runs.map((r) => ({
      model: r.name,
      s_per_iter: mean(r.perIter),
      total_s: r.total,
      recall_at_10: r.q.recall,
      ndcg_at_10: r.q.ndcg,
    })),
  ]),
);
console.log(
  `\nspeed-up over the reference per iteration: CG ${(refIter / mean(runs[0]!.perIter)).toFixed(1)}x, ` +
    `exact ${(refIter / mean(runs[1]!.perIter)).toFixed(1)}x`,
);
console.log(
  `reference vs edge-ml exact, same init, one iteration: worst relative difference of a row ` +
    `${agreeX.toExponential(1)} (users), ${agreeY.toExponential(1)} (items)`,
);
console.log(
  `reference timed on ${refUsers} users (${refUserS.toFixed(2)} s) and ${refItems} items (${refItemS.toFixed(2)} s)`,
);
console.log(
  `fold-in, k = ${K}, up to 50 items: p50 ${fold.p50.toFixed(3)} ms, p99 ${fold.p99.toFixed(3)} ms (${fold.n} users)`,
);
console.log(`evaluated users: ${runs[0]!.q.users}; Recall@10 normalised by min(10, held-out items)`);

/** Grid over regularization x alpha on a validation split carved from training; prints and returns. */
function tune(train: InteractionMatrix): void {
  const val: HoldOut = splitPerUser(train, { mode: "fraction", fraction: 0.2, seed: 5 });
  const rows: Record<string, string | number>[] = [];
  for (const regularization of [5, 20, 50, 150, 500]) {
    for (const alpha of [1, 2, 5, 20]) {
      const m = trainAls(val.train, { ...params, iterations: 8, regularization, alpha });
      const q = evaluate(factorScorer(m.userFactors, m.itemFactors, K), val, 10);
      rows.push({ regularization, alpha, val_recall_at_10: q.recall, val_ndcg_at_10: q.ndcg });
      console.log(`  lambda ${regularization}, alpha ${alpha}: ${q.recall.toFixed(4)} / ${q.ndcg.toFixed(4)}`);
    }
  }
  console.log("\nvalidation split (from training), 8 iterations:\n");
  console.log(table(rows));
}
