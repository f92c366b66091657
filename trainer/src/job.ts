import { endianness } from "node:os";
import { parquetReadObjects } from "hyparquet";
import { ALS_DEFAULTS, resolveAlsParams, type AlsParams } from "@edge-ml/core/ml/als";
import { interactionsFromRows, type TrainingTriple } from "@edge-ml/core/ml/interactions";
import { evaluate, factorScorer, popularityScorer, splitPerUser } from "@edge-ml/core/ml/metrics";
import { trainAlsAsync } from "./als-async";
import { Reporter } from "./reporter";

/** The job spec of docs/trainer-contract.md section 1. */
export type JobSpec = {
  job_id: string;
  tenant_id: string;
  model_type: string;
  hyperparameters: Record<string, number>;
  total_epochs?: number;
  data: { files: { url: string; row_count: number; size_bytes: number }[] };
  callback: { url: string; secret: string };
  artifacts: { url: string };
  heartbeat_seconds: number;
};

/** A reason for a 400, or null when the spec can be run. */
export function specProblem(spec: Partial<JobSpec>): string | null {
  if (typeof spec.job_id !== "string" || typeof spec.tenant_id !== "string") return "job_id and tenant_id are required";
  if (typeof spec.model_type !== "string") return "model_type is required";
  if (!spec.callback || typeof spec.callback.url !== "string" || typeof spec.callback.secret !== "string")
    return "callback.url and callback.secret are required";
  if (!spec.artifacts || typeof spec.artifacts.url !== "string" || !spec.artifacts.url.includes("{name}"))
    return "artifacts.url with a {name} placeholder is required";
  if (!spec.data || !Array.isArray(spec.data.files)) return "data.files is required";
  if (typeof spec.hyperparameters !== "object" || spec.hyperparameters === null) return "hyperparameters are required";
  return null;
}

/** The contract's hyperparameter names (snake_case) -> core's AlsParams. */
export function alsParamsOf(hp: Record<string, number>): AlsParams {
  return resolveAlsParams({
    factors: hp.factors ?? ALS_DEFAULTS.factors,
    iterations: hp.iterations ?? ALS_DEFAULTS.iterations,
    regularization: hp.regularization ?? ALS_DEFAULTS.regularization,
    alpha: hp.alpha ?? ALS_DEFAULTS.alpha,
    cgSteps: hp.cg_steps ?? ALS_DEFAULTS.cgSteps,
    frequencyScaling: hp.frequency_scaling ?? ALS_DEFAULTS.frequencyScaling,
    seed: hp.seed ?? ALS_DEFAULTS.seed,
  });
}

/** Share of each user's positive pairs held out for the evaluation (seeded). */
const HOLD_OUT_FRACTION = 0.2;
const K = 10;

class Stopped extends Error {}

async function download(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!res.ok) {
    const path = new URL(url).pathname;
    throw new Error(
      `could not read training data ${path.slice(path.indexOf("/data/") + 6)}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`,
    );
  }
  return res.arrayBuffer();
}

async function readRows(files: JobSpec["data"]["files"]): Promise<TrainingTriple[]> {
  const rows: TrainingTriple[] = [];
  for (const f of files) {
    const file = await download(f.url);
    const part = (await parquetReadObjects({ file, columns: ["user_id", "item_id", "label", "timestamp"] })) as {
      user_id: string;
      item_id: string;
      label: number;
      timestamp: bigint | number;
    }[];
    for (const r of part) rows.push({ user_id: r.user_id, item_id: r.item_id, label: r.label, timestamp: r.timestamp });
  }
  return rows;
}

async function upload(spec: JobSpec, name: string, body: Uint8Array<ArrayBuffer>): Promise<void> {
  const res = await fetch(spec.artifacts.url.replace("{name}", encodeURIComponent(name)), {
    method: "PUT",
    headers: { "content-type": "application/octet-stream" },
    body,
    signal: AbortSignal.timeout(300_000),
  });
  if (!res.ok) throw new Error(`could not upload ${name}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
}

const bytesOf = (a: Float32Array | Float64Array) => new Uint8Array(a.buffer as ArrayBuffer, a.byteOffset, a.byteLength);
const round = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * Runs one job to its end and reports it: `completed` with the metrics, or `failed` with a
 * sentence. Never throws. matrix_factorization (implicit ALS) only; other model types fail
 * with "not supported yet".
 */
export async function runJob(spec: JobSpec, log: (line: string) => void = console.log): Promise<void> {
  const say = (line: string) => log(`[trainer] job ${spec.job_id.slice(0, 8)}: ${line}`);
  const reporter = new Reporter(spec.job_id, spec.callback.url, spec.callback.secret, spec.heartbeat_seconds, say);
  reporter.startHeartbeat();
  const checkStopped = () => {
    if (reporter.stopped) throw new Stopped(`the dispatcher ended the job: ${reporter.stopReason}`);
  };
  try {
    if (spec.model_type !== "matrix_factorization") {
      throw new Error(`model_type ${spec.model_type} is not supported yet (only matrix_factorization is)`);
    }
    const params = alsParamsOf(spec.hyperparameters);
    const t0 = performance.now();
    const rows = await readRows(spec.data.files);
    if (rows.length === 0) throw new Error("the job's data range holds no interactions");
    const { matrix, items } = interactionsFromRows(rows);
    say(
      `${rows.length} events, ${matrix.nUsers} users, ${matrix.nItems} items; ${params.iterations} iterations, k=${params.factors}`,
    );
    await reporter.send("started", { total_epochs: params.iterations });
    await reporter.send("progress", { progress: 0.05 });
    checkStopped();

    // 1. Honest metrics: fit on a per-user hold-out split, rank all items, beside popularity.
    const split = splitPerUser(matrix, { mode: "fraction", fraction: HOLD_OUT_FRACTION, seed: params.seed });
    const heldOut = await trainAlsAsync(split.train, params, async (p) => {
      checkStopped();
      void reporter.send("progress", { progress: round(0.05 + (0.3 * p.iteration) / p.iterations) });
    });
    const model = evaluate(factorScorer(heldOut.userFactors, heldOut.itemFactors, params.factors), split, K);
    const popularity = evaluate(popularityScorer(split.train), split, K);
    say(
      `held-out Recall@${K} ${model.recall.toFixed(4)} NDCG@${K} ${model.ndcg.toFixed(4)} ` +
        `(popularity ${popularity.recall.toFixed(4)} / ${popularity.ndcg.toFixed(4)}, ${model.users} users)`,
    );

    // 2. The shipped model: the same hyperparameters refit on all the data (the split only
    //    measured them; holding data back from the deployed model would only make it worse).
    const final = await trainAlsAsync(matrix, params, async (p) => {
      checkStopped();
      void reporter.send("progress", {
        progress: round(0.4 + (0.5 * p.iteration) / p.iterations),
        epoch: p.iteration,
        total_epochs: p.iterations,
        metrics: { loss: round(p.loss), seconds: round(p.seconds) },
      });
    });
    checkStopped();

    // 3. Artifacts (contract section 5), then completion.
    if (endianness() !== "LE") throw new Error("this trainer writes little-endian artifacts only");
    const metrics = {
      recall_at_10: round(model.recall),
      ndcg_at_10: round(model.ndcg),
      popularity_recall_at_10: round(popularity.recall),
      popularity_ndcg_at_10: round(popularity.ndcg),
      loss: round(final.losses.at(-1) ?? 0),
      eval_users: model.users,
      users: matrix.nUsers,
      items: matrix.nItems,
      interactions: rows.length,
      train_seconds: round((performance.now() - t0) / 1000),
    };
    const manifest = {
      model_type: "matrix_factorization",
      format_version: 1,
      factors: params.factors,
      regularization: params.regularization,
      alpha: params.alpha,
      items: items.ids,
      params: final.params,
      interactions: { merge: "sum", dislike_weight: 1 },
      metrics,
      trained_at: new Date().toISOString(),
    };
    await upload(spec, "item_factors.f32", bytesOf(final.itemFactors));
    await upload(spec, "gram.f64", bytesOf(final.gram));
    await upload(spec, "model.json", new TextEncoder().encode(JSON.stringify(manifest)));
    await reporter.send("progress", { progress: 0.95 });
    const status = await reporter.send("completed", {
      metrics,
      artifacts: ["model.json", "item_factors.f32", "gram.f64"],
    });
    say(status === 200 ? "completed" : `completion answered ${status}`);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (e instanceof Stopped || reporter.stopped) say(`stopped: ${reason}`);
    else {
      say(`failed: ${reason}`);
      await reporter.send("failed", { error: reason });
    }
  } finally {
    reporter.stopHeartbeat();
  }
}
