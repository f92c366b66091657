/**
 * bench/vector: the local vector index (core/vector, the classes the Durable Object runs)
 * beside usearch (native HNSW from npm) on the same vectors, in one Node process.
 *
 * Data: a seeded Gaussian mixture, 1000 clusters in 128 dimensions (centres N(0,1), points
 * centre + N(0, 0.8^2) per dimension), cosine; queries are data points plus N(0, 0.3^2)
 * noise. Real embeddings are clustered like this; uniformly random vectors would be the
 * worst case for every ANN method (no structure to exploit), and are not measured.
 *
 * The local index is laid out as a tenant index would be: shardOf(id) over the power-of-two
 * shard count whose shards stay under shardMaxRows(128) (4 shards for 100k, 32 for 1M), one
 * MemoryIndex on its own WASM SIMD kernel per shard. Latency "serial" runs the shards one
 * after another in this thread (QPS is 1000 / mean serial ms); "fan-out" is the slowest shard
 * plus the merge (ShardedIndex's mergeMatches), what parallel shard objects would see without
 * the RPC. IVF rows sweep the lists probed per shard (a fraction of its lists, at least one).
 * Ground truth is the exact mode; recall@10 = |approx top 10 n exact top 10| / 10, averaged
 * over the queries.
 * usearch: connectivity 16, expansion_add 128, built with all cores, searched one query at a
 * time on one thread, expansion_search swept to find the recall the local index reaches.
 *
 * Run: npm run bench:vector   (BENCH_SIZES=100000,1000000 BENCH_QUERIES=1000; for a quick
 * look at one case, BENCH_PROBES=0.01 and BENCH_EFS=... or BENCH_EFS= to skip usearch)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import usearch from "usearch";
import { createKernel } from "../core/vector/kernel";
import { MemoryIndex } from "../core/vector/memory-index";
import { mergeMatches, shardMaxRows, shardOf } from "../core/vector/shards";
import type { Match } from "../core/vector/types";
import { summarize, table } from "./lib/stats";

const SIZES = (process.env.BENCH_SIZES ?? "100000,1000000").split(",").map(Number);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1000);
const DIMS = 128;
const CLUSTERS = 1000;
const K = 10;
const SPREAD = Number(process.env.BENCH_SPREAD ?? 0.8);
const list = (v: string | undefined, d: number[]) => (v === undefined ? d : v.split(",").filter(Boolean).map(Number));
/** Probed lists per shard as a fraction of its lists (at least one list: minProbes 1 here). */
const PROBES = list(process.env.BENCH_PROBES, [0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08]);
const EFS = list(process.env.BENCH_EFS, [10, 16, 24, 32, 48, 64, 96, 128, 192]);

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const kernelModule = new WebAssembly.Module(
  readFileSync(path.resolve(import.meta.dirname, "../core/vector/wasm/kernel.wasm")),
);

/** xorshift32 uniforms and Box-Muller normals: the same vectors on every run. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const uniform = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) + 0.5) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function dataset(n: number) {
  const r = rng(12345);
  const centres = Float32Array.from({ length: CLUSTERS * DIMS }, r.normal);
  const data = new Float32Array(n * DIMS);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r.uniform() * CLUSTERS) * DIMS;
    for (let d = 0; d < DIMS; d++) data[i * DIMS + d] = centres[c + d]! + SPREAD * r.normal();
  }
  const queries = new Float32Array(QUERIES * DIMS);
  for (let q = 0; q < QUERIES; q++) {
    const i = Math.floor(r.uniform() * n) * DIMS;
    for (let d = 0; d < DIMS; d++) queries[q * DIMS + d] = data[i + d]! + 0.3 * r.normal();
  }
  return { data, queries, row: (i: number) => data.subarray(i * DIMS, (i + 1) * DIMS) };
}

const heap = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

function buildLocal(n: number, row: (i: number) => Float32Array) {
  let count = 1;
  while (n / count > 0.95 * shardMaxRows(DIMS)) count *= 2;
  const before = heap();
  const t0 = performance.now();
  // Rows per shard are known up front, as the Durable Object knows its row count when it loads.
  const sizes = new Array<number>(count).fill(0);
  for (let i = 0; i < n; i++) sizes[shardOf(`v${i}`, count)]!++;
  const shards = sizes.map(
    (capacity) =>
      new MemoryIndex(DIMS, "cosine", { kernel: createKernel(kernelModule), maxRows: shardMaxRows(DIMS), capacity }),
  );
  const pending: { id: string; values: Float32Array }[][] = shards.map(() => []);
  for (let i = 0; i < n; i++) {
    const id = `v${i}`;
    const s = shardOf(id, count);
    pending[s]!.push({ id, values: row(i) });
    if (pending[s]!.length === 1000) shards[s]!.write(pending[s]!.splice(0), "upsert");
  }
  pending.forEach((p, s) => p.length && shards[s]!.write(p, "upsert"));
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  // The first approximate query trains a shard's lists (as on a Durable Object's first query).
  for (const s of shards) s.query(row(0), { topK: 1, approximate: true });
  const trainMs = performance.now() - t1;
  const held = heap() - before;
  const vectorBytes = shards.reduce((a, s) => a + s.vectorBytes, 0);
  const maxRows = Math.max(...shards.map((s) => s.size));
  return { shards, loadMs, trainMs, held, vectorBytes, maxRows };
}

function runLocal(shards: MemoryIndex[], queries: Float32Array, approximate: boolean) {
  const serial: number[] = [];
  const fanout: number[] = [];
  const results: number[][] = [];
  for (let q = 0; q < QUERIES; q++) {
    const v = queries.subarray(q * DIMS, (q + 1) * DIMS);
    let sum = 0;
    let max = 0;
    const all: Match[][] = [];
    for (const s of shards) {
      const t = performance.now();
      all.push(s.query(v, { topK: K, approximate }));
      const dt = performance.now() - t;
      sum += dt;
      max = Math.max(max, dt);
    }
    const t = performance.now();
    const top = mergeMatches(all, K, "cosine");
    const merge = performance.now() - t;
    serial.push(sum + merge);
    fanout.push(max + merge);
    results.push(top.map((m) => Number(m.id.slice(1))));
  }
  return { serial: summarize(serial), fanout: summarize(fanout), results };
}

function recall(results: number[][], truth: number[][]): number {
  let hit = 0;
  results.forEach((r, q) => {
    const t = new Set(truth[q]);
    hit += r.filter((i) => t.has(i)).length;
  });
  return hit / (results.length * K);
}

/** usearch's configuration: float32 vectors, as the local index holds them. */
const hnsw = (ef: number) => ({
  dimensions: DIMS,
  metric: usearch.MetricKind.Cos,
  quantization: usearch.ScalarKind.F32,
  connectivity: 16,
  expansion_add: 128,
  expansion_search: ef,
  multi: false,
});

const rows: Record<string, string | number>[] = [];
const notes: string[] = [];
const row = (
  size: number,
  engine: string,
  mode: string,
  r: number,
  s: { mean: number; p50: number; p99: number },
  fan: { p50: number; p99: number } | undefined,
  extra: Record<string, string | number>,
) =>
  rows.push({
    vectors: size,
    engine,
    mode,
    "recall@10": r,
    qps: Math.round(1000 / s.mean),
    p50_ms: s.p50,
    p99_ms: s.p99,
    "fan-out p50": fan ? fan.p50 : "-",
    "fan-out p99": fan ? fan.p99 : "-",
    ...extra,
  });

for (const n of SIZES) {
  console.log(`\n${n} x ${DIMS}: generating...`);
  const { data, queries, row: vec } = dataset(n);
  const local = buildLocal(n, vec);
  // WebAssembly memory is not in the JS heap figures: resident = JS heap growth + kernel memory.
  const perVector = ((local.held + local.vectorBytes) / n).toFixed(0);
  console.log(
    `local: ${local.shards.length} shards (largest ${local.maxRows} rows, limit ${shardMaxRows(DIMS)}), load ${(local.loadMs / 1000).toFixed(1)} s, IVF training ${(local.trainMs / 1000).toFixed(1)} s, ${perVector} B/vector resident (${(local.vectorBytes / n).toFixed(0)} in kernel memory, ${(local.held / n).toFixed(0)} JS), lists per shard ${local.shards[0]!.lists}`,
  );
  notes.push(
    `${n}: ${local.shards.length} shards, largest ${local.maxRows} rows = ${((local.maxRows * Number(perVector)) / 2 ** 20).toFixed(1)} MiB at ${perVector} B/vector measured`,
  );
  // Warm-up: JIT and caches, both modes.
  for (let q = 0; q < 20; q++) for (const s of local.shards) s.query(vec(q), { topK: K, approximate: q % 2 === 0 });
  const exact = runLocal(local.shards, queries, false);
  const build = { build_s: ((local.loadMs + local.trainMs) / 1000).toFixed(1), "B/vector": perVector };
  row(n, "local", "exact", 1, exact.serial, exact.fanout, build);
  for (const f of PROBES) {
    for (const s of local.shards) Object.assign(s.params, { probeFraction: f, minProbes: 1 });
    const approx = runLocal(local.shards, queries, true);
    const r = recall(approx.results, exact.results);
    const probed = Math.ceil(f * local.shards[0]!.lists);
    row(
      n,
      "local",
      `ivf probes ${f * 100}% (${probed} of ${local.shards[0]!.lists})`,
      r,
      approx.serial,
      approx.fanout,
      build,
    );
  }

  if (EFS.length === 0) continue;
  const dir = mkdtempSync(path.join(tmpdir(), "bench-vector-"));
  const t0 = performance.now();
  const built = new usearch.Index(hnsw(64));
  const keys = new BigUint64Array(n);
  for (let i = 0; i < n; i++) keys[i] = BigInt(i);
  built.add(keys, data, 0);
  const usearchBuild = ((performance.now() - t0) / 1000).toFixed(1);
  built.save(path.join(dir, "index.usearch"));
  for (const ef of EFS) {
    const index = new usearch.Index(hnsw(ef));
    index.load(path.join(dir, "index.usearch"));
    for (let q = 0; q < 20; q++) index.search(vec(q), K, 1);
    const times: number[] = [];
    const results: number[][] = [];
    for (let q = 0; q < QUERIES; q++) {
      const v = queries.subarray(q * DIMS, (q + 1) * DIMS);
      const t = performance.now();
      const m = index.search(v, K, 1);
      times.push(performance.now() - t);
      results.push(Array.from(m.keys, Number));
    }
    const r = recall(results, exact.results);
    row(n, "usearch", `hnsw ef ${ef}`, r, summarize(times), undefined, {
      build_s: `${usearchBuild} (all cores)`,
      "B/vector": "-",
    });
  }
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `\nvector index, ${DIMS}-d cosine, ${CLUSTERS}-cluster Gaussian mixture, ${QUERIES} queries, top ${K}, one thread\n`,
);
console.log(table(rows));
console.log(`\n${notes.join("\n")}`);
console.log(
  "\ntargets: exact 100k top-10 p50 < 5 ms; approximate recall@10 >= 0.95 at p50 < 2 ms for 1M; within 3x of usearch QPS at equal recall",
);
