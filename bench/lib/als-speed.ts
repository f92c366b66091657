/**
 * bench/train section 4, ALS speed: ALS_DEFAULTS per iteration with CG and exact solves, the
 * plain reference implementation (bench/lib/als-reference.ts) timed beside them from the same
 * initial factors (and checked to agree with our exact solve), and fold-in at request time.
 */
import { ALS_DEFAULTS, initialFactors, solveFactors, trainAls, type AlsModel } from "../../core/ml/als";
import { foldInUser } from "../../core/ml/fold-in";
import type { InteractionMatrix } from "../../core/ml/interactions";
import { gramMatrix } from "../../core/ml/linalg";
import { evaluate, factorScorer, type Evaluation, type HoldOut } from "../../core/ml/metrics";
import { refHalfStep, type RefRows } from "./als-reference";
import { f2, f4, progress, seconds } from "./format";
import { summarize, table } from "./stats";

export type SpeedOptions = {
  /** The training split's matrix and the split evaluated on. */
  train: InteractionMatrix;
  split: HoldOut;
  iterations: number;
  /** The reference is timed on this share of the rows and scaled up. */
  refFraction: number;
  evalK: number;
  /** Section 2's ALS_DEFAULTS fit, reused when it is the same training (not run twice). */
  defaultsRun?: { model: AlsModel; perIter: number[]; q?: Evaluation };
};

export function alsSpeed(opts: SpeedOptions): void {
  const { train, split, iterations: ITERS, refFraction: REF_FRACTION, evalK: EVAL_K, defaultsRun } = opts;
  const K = ALS_DEFAULTS.factors;
  const nU = train.nUsers;
  const nI = train.nItems;
  const base = { ...ALS_DEFAULTS, iterations: ITERS };
  const runs: { name: string; perIter: number[]; losses: number[]; total: number; q: Evaluation }[] = [];
  for (const cgSteps of [ALS_DEFAULTS.cgSteps, 0]) {
    const name = cgSteps ? `edge-ml ALS, CG ${cgSteps} steps` : "edge-ml ALS, exact (Cholesky)";
    if (cgSteps === ALS_DEFAULTS.cgSteps && ITERS === ALS_DEFAULTS.iterations && defaultsRun?.q) {
      // The same training as section 2's ALS_DEFAULTS row (same data, params and seed): not run twice.
      const { model, perIter, q } = defaultsRun;
      runs.push({ name, perIter, losses: model.losses, total: model.seconds, q });
      continue;
    }
    progress(`speed: ${name}, ${ITERS} iterations`);
    const perIter: number[] = [];
    const model = trainAls(train, { ...base, cgSteps }, { onIteration: (p) => perIter.push(p.seconds) });
    const q = evaluate(factorScorer(model.userFactors, model.itemFactors, K), split, EVAL_K);
    runs.push({ name, perIter, losses: model.losses, total: model.seconds, q });
  }

  // The plain reference, on a subset, from the same initial factors.
  const p = base;
  const init = initialFactors(nU, nI, K, p.seed);
  const toRows = (m: InteractionMatrix, byUser: boolean): RefRows => {
    const ptr = byUser ? m.userPtr : m.itemPtr;
    const idx = byUser ? m.userItems : m.itemUsers;
    const val = byUser ? m.userValues : m.itemValues;
    return Array.from({ length: ptr.length - 1 }, (_, r) => ({
      items: Array.from(idx.subarray(ptr[r]!, ptr[r + 1]!)),
      values: Array.from(val.subarray(ptr[r]!, ptr[r + 1]!)),
    }));
  };
  const toNested = (f: Float32Array, rows: number): number[][] =>
    Array.from({ length: rows }, (_, r) => Array.from(f.subarray(r * K, r * K + K)));
  const refUsers = Math.round(nU * REF_FRACTION);
  const refItems = Math.round(nI * REF_FRACTION);
  const refX = toNested(init.x, nU);
  // Ours, exact, full user step then full item step: the target the reference must reproduce.
  const ourX = Float32Array.from(init.x);
  const ourY = Float32Array.from(init.y);
  const exactP = { ...p, cgSteps: 0 };
  const sides = {
    users: { ptr: train.userPtr, idx: train.userItems, val: train.userValues, n: nU },
    items: { ptr: train.itemPtr, idx: train.itemUsers, val: train.itemValues, n: nI },
  };
  solveFactors(sides.users, ourY, gramMatrix(ourY, nI, K), ourX, exactP);
  solveFactors(sides.items, ourX, gramMatrix(ourX, nU, K), ourY, exactP);
  progress("speed: plain reference, one iteration");
  let t0 = performance.now();
  refHalfStep(toRows(train, true), toNested(init.y, nI), refX, K, p.regularization, p.alpha, refUsers);
  const refUserS = seconds(t0);
  // Item step against our X (so the comparison isolates the item step), subset of items.
  const refY = toNested(init.y, nI);
  t0 = performance.now();
  refHalfStep(toRows(train, false), toNested(ourX, nU), refY, K, p.regularization, p.alpha, refItems);
  const refItemS = seconds(t0);
  const relDiff = (ref: number[][], ours: Float32Array, rows: number) => {
    let worst = 0;
    for (let r = 0; r < rows; r++) {
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
  const refIter = refUserS * (nU / refUsers) + refItemS * (nI / refItems);

  // Fold-in at request time.
  const cgModel = trainAls(train, { ...base, iterations: 2 });
  const foldTimes: number[] = [];
  for (let u = 0; u < 2000; u++) {
    const s = train.userPtr[u]!;
    const len = Math.min(50, train.userPtr[u + 1]! - s);
    const t1 = performance.now();
    foldInUser(cgModel, train.userItems.subarray(s, s + len), train.userValues.subarray(s, s + len));
    foldTimes.push(performance.now() - t1);
  }
  const fold = summarize(foldTimes.slice(200)); // after warm-up

  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const [cg, exact] = [runs[0]!, runs[1]!];
  console.log(
    `\n4. ALS speed, ALS_DEFAULTS (k = ${K}, lambda ${p.regularization}, alpha ${p.alpha}), ${ITERS} iterations, ` +
      `training split, one thread\n`,
  );
  console.log(
    table(
      cg.perIter.map((_, i) => ({
        iteration: i + 1,
        cg_s: f2(cg.perIter[i]!),
        cg_loss: Math.round(cg.losses[i]!),
        exact_s: f2(exact.perIter[i]!),
        exact_loss: Math.round(exact.losses[i]!),
      })),
    ),
  );
  console.log("");
  console.log(
    table([
      {
        model:
          REF_FRACTION === 1
            ? "plain reference ALS (1 iteration timed)"
            : `plain reference ALS (${Math.round(REF_FRACTION * 100)}% of rows, scaled)`,
        s_per_iter: f2(refIter),
        total_s: `${(refIter * ITERS).toFixed(1)} (est.)`,
        recall_at_10: "-",
        ndcg_at_10: "-",
      },
      ...runs.map((r) => ({
        model: r.name,
        s_per_iter: f2(mean(r.perIter)),
        total_s: r.total.toFixed(1),
        recall_at_10: f4(r.q.recall),
        ndcg_at_10: f4(r.q.ndcg),
      })),
    ]),
  );
  console.log(
    `\nspeed-up over the reference per iteration: CG ${(refIter / mean(cg.perIter)).toFixed(1)}x, ` +
      `exact ${(refIter / mean(exact.perIter)).toFixed(1)}x; reference vs edge-ml exact, same init, one ` +
      `iteration: worst relative row difference ${agreeX.toExponential(1)} (users), ${agreeY.toExponential(1)} (items), ` +
      `timed on ${refUsers} users (${f2(refUserS)} s) and ${refItems} items (${f2(refItemS)} s)`,
  );
  console.log(
    `fold-in, k = ${K}, up to 50 items: p50 ${fold.p50.toFixed(3)} ms, p99 ${fold.p99.toFixed(3)} ms (${fold.n} users)`,
  );
}
