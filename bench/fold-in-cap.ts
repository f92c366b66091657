/**
 * bench/fold-in-cap: what the serving cap on a user's fold-in pairs (FOLD_IN_MAX_PAIRS, the
 * newest 2,000 of user_items) costs in ranking quality and what it saves in time. A synthetic
 * world of heavy users (thousands of distinct items each over a 50,000-item catalogue, 40 tastes): ALS is
 * trained on a per-user split; each heavy user's vector is folded in from their training
 * pairs, all of them (the baseline, in the same run) or only the newest N, and ranked over
 * every item; Recall@10 / NDCG@10 on their held-out items, and the fold-in's time.
 * Run: npx tsx bench/fold-in-cap.ts
 */
import os from "node:os";
import { trainAls } from "../core/ml/als";
import { foldInUser } from "../core/ml/fold-in";
import { buildInteractions } from "../core/ml/interactions";
import { scoreAll } from "../core/ml/linalg";
import { ndcgAtK, recallAtK, splitPerUser, topK } from "../core/ml/metrics";
import { syntheticInteractions } from "../core/ml/synthetic";
import { FOLD_IN_MAX_PAIRS } from "../core/recommend/whole-history";
import { summarize, table } from "./lib/stats";

const USERS = 600;
const ITEMS = 50_000;
const EVENTS = 3_000_000;
const K = 64;
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "?"} x ${os.cpus().length}, one thread`);
const data = syntheticInteractions({
  nUsers: USERS,
  nItems: ITEMS,
  nInteractions: EVENTS,
  seed: 5,
  minPerUser: 50,
  zipf: 0.5,
  clusters: 40,
});
const m = buildInteractions(data.users, data.items, data.labels, USERS, ITEMS, { timestamps: data.timestamps });
const split = splitPerUser(m, { mode: "fraction", fraction: 0.2, seed: 1 });
const t0 = performance.now();
const model = trainAls(split.train, { factors: K, iterations: 8, regularization: 10, alpha: 4 });
console.log(
  `${EVENTS.toLocaleString("en")} events -> ${m.nnz.toLocaleString("en")} pairs; ALS trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

// The heaviest users: more training pairs than the cap.
const tr = split.train;
const heavy: number[] = [];
for (let u = 0; u < USERS; u++) if (tr.userPtr[u + 1]! - tr.userPtr[u]! > FOLD_IN_MAX_PAIRS) heavy.push(u);
const sample = heavy.slice(0, 150);
console.log(
  `${heavy.length} users have more than ${FOLD_IN_MAX_PAIRS} training pairs; measuring ${sample.length} of them`,
);

const scores = new Float32Array(ITEMS);
const rows: Record<string, string | number>[] = [];
for (const cap of [Infinity, 5000, FOLD_IN_MAX_PAIRS, 500, 50]) {
  let recall = 0;
  let ndcg = 0;
  const ms: number[] = [];
  for (const u of sample) {
    const start = tr.userPtr[u]!;
    const end = tr.userPtr[u + 1]!;
    // The newest `cap` pairs, as serving reads them (ORDER BY last_ts DESC), then in item order.
    const entries = Array.from({ length: end - start }, (_, e) => start + e)
      .sort((a, b) => tr.userTimes![b]! - tr.userTimes![a]!)
      .slice(0, cap)
      .sort((a, b) => tr.userItems[a]! - tr.userItems[b]!);
    const t = performance.now();
    const x = foldInUser(
      model,
      entries.map((e) => tr.userItems[e]!),
      entries.map((e) => tr.userValues[e]!),
    );
    ms.push(performance.now() - t);
    scoreAll(model.itemFactors, ITEMS, K, x, scores);
    const top = topK(scores, 10, tr.userItems.subarray(start, end));
    const relevant = new Set(split.testItems.subarray(split.testPtr[u]!, split.testPtr[u + 1]!));
    recall += recallAtK(top, relevant, 10);
    ndcg += ndcgAtK(top, relevant, 10);
  }
  const s = summarize(ms);
  rows.push({
    pairs: cap === Infinity ? "all (baseline)" : `newest ${cap}`,
    recall_at_10: recall / sample.length,
    ndcg_at_10: ndcg / sample.length,
    fold_in_p50_ms: s.p50,
    fold_in_p99_ms: s.p99,
  });
}
console.log(table(rows));
