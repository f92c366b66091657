/**
 * bench/gpu-train: the GPU trainer's models (trainer-gpu/, two_tower and gnn) on bench/train's
 * 1M-event synthetic world (10k users, 5k items, planted tastes; core/ml/synthetic.ts), on the
 * GPU and on this host's CPU, beside ALS on the same held-out split in the same run:
 *
 *   1. the world and its split (20 % of each user's positives, seed 42: the trainers' split);
 *   2. ALS (core/ml/als.ts, ALS_DEFAULTS, no search) fitted on the training split: NDCG@10;
 *   3. bench/gpu_train_worker.py on `cuda` (GPU_EPOCHS) and on `cpu` (CPU_EPOCHS, fewer: the
 *      CPU half only measures throughput), each model's training pairs per second and held-out
 *      Recall/NDCG@10, and on cuda torch_geometric's LightGCN on the same graph and epochs;
 *   4. the GPU/CPU throughput ratio per model (target: at least 10x).
 *
 * Without a GPU the cuda half prints "no GPU" and its figures stay missing. Environment:
 * BENCH_EVENTS (1,000,000), BENCH_USERS (10,000), BENCH_ITEMS (5,000), GPU_EPOCHS (10),
 * CPU_EPOCHS (1), PYTHON (/usr/bin/python3). Run: npx tsx bench/gpu-train.ts (at most
 * 10 minutes on a GPU host; its CPU half on 2 cores takes longer at 1M events: use fewer).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { trainAls } from "../core/ml/als";
import { buildInteractions } from "../core/ml/interactions";
import { evaluate, factorScorer, popularityScorer, splitPerUser } from "../core/ml/metrics";
import { syntheticInteractions } from "../core/ml/synthetic";
import { f2, f4, progress, seconds } from "./lib/format";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 5_000);
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";

let t = performance.now();
const data = syntheticInteractions({ nUsers: USERS, nItems: ITEMS, nInteractions: EVENTS, seed: 7 });
const m = buildInteractions(data.users, data.items, data.labels, data.nUsers, data.nItems, {
  timestamps: data.timestamps,
});
const split = splitPerUser(m, { mode: "fraction", fraction: 0.2, seed: 42 });
progress(`world: ${EVENTS} events, ${USERS} users, ${ITEMS} items, split in ${f2(seconds(t))} s`);

t = performance.now();
const als = trainAls(split.train);
const alsFit = seconds(t);
const alsEval = evaluate(factorScorer(als.userFactors, als.itemFactors, als.params.factors), split, 10);
const pop = evaluate(popularityScorer(split.train), split, 10);
progress(`ALS (defaults) fitted in ${f2(alsFit)} s: NDCG@10 ${f4(alsEval.ndcg)}`);

// The world for Python: users, items (int32), labels (float32), timestamps (float64).
const dir = mkdtempSync(path.join(tmpdir(), "gpu-train-"));
const world = path.join(dir, "world.bin");
const header = new Int32Array([data.users.length, data.nUsers, data.nItems]);
writeFileSync(
  world,
  Buffer.concat([header, data.users, data.items, data.labels, data.timestamps].map((a) => Buffer.from(a.buffer))),
);

type Run = {
  device: string;
  error?: string;
  models: Record<
    string,
    { pairs_per_second: number; recall_at_10: number; ndcg_at_10: number; epochs: number; fit_seconds: number }
  >;
};
function worker(device: string, epochs: string): Run {
  const res = spawnSync(PYTHON, ["bench/gpu_train_worker.py", world, device, epochs], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (res.status !== 0) return { device, error: `exit ${res.status}`, models: {} };
  return JSON.parse(res.stdout.trim().split("\n").at(-1)!) as Run;
}
const gpu = worker("cuda", process.env.GPU_EPOCHS ?? "10");
const cpu = worker("cpu", process.env.CPU_EPOCHS ?? "1");

const missing = (v: number | undefined, f: (x: number) => string) => (v === undefined ? "missing" : f(v));
console.log(`\n${EVENTS} events, ${USERS} users, ${ITEMS} items; held-out split of ${alsEval.users} users`);
console.log(
  `popularity NDCG@10 ${f4(pop.ndcg)}; ALS (defaults, ${f2(alsFit)} s) NDCG@10 ${f4(alsEval.ndcg)} Recall@10 ${f4(alsEval.recall)}`,
);
if (gpu.error) console.log(`GPU half: ${gpu.error} (no GPU host: GPU figures missing)`);
for (const name of ["two_tower", "gnn", "pyg_lightgcn"]) {
  const g = gpu.models[name];
  const c = cpu.models[name];
  const ratio = g && c ? `${f2(g.pairs_per_second / c.pairs_per_second)}x` : "missing";
  console.log(
    `${name.padEnd(13)} GPU ${missing(g?.pairs_per_second, (x) => x.toFixed(0))} pairs/s, NDCG@10 ${missing(g?.ndcg_at_10, f4)} | ` +
      `CPU ${missing(c?.pairs_per_second, (x) => x.toFixed(0))} pairs/s (${c?.epochs ?? "-"} epochs), NDCG@10 ${missing(c?.ndcg_at_10, f4)} | GPU/CPU ${ratio}`,
  );
}
