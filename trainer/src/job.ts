import { endianness } from "node:os";
import { resolveAlsParams } from "@edge-ml/core/ml/als";
import { interactionsFromRows } from "@edge-ml/core/ml/interactions";
import { evaluate, popularityScorer, splitPerUser } from "@edge-ml/core/ml/metrics";
import type { Trial } from "@edge-ml/core/ml/tuning";
import { ITEM_TO_ITEM_MAX_ITEMS } from "@edge-ml/core/ml/tuning-item-to-item";
import { ARTIFACTS, type JobSpec } from "@edge-ml/core/training/contract";
import { alsCandidate, itemToItemCandidate, type Candidate, type Family } from "./families";
import { readLabelledRows, readRows } from "./read-data";
import { fitClassifierJob } from "./classifier";
import { Reporter } from "./reporter";
import { GPU_TRAINER_MODEL_TYPES, NODE_TRAINER_MODEL_TYPES } from "@edge-ml/core/schemas/model-types";

/** The job spec of docs/trainer-contract.md section 1 (core/training/contract.ts). */
export type { JobSpec };

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

/** Share of each user's positive pairs held out for the evaluation (seeded). */
const HOLD_OUT_FRACTION = 0.2;
const K = 10;

class Stopped extends Error {}

async function upload(spec: JobSpec, name: string, body: Uint8Array<ArrayBuffer>): Promise<void> {
  const res = await fetch(spec.artifacts.url.replace("{name}", encodeURIComponent(name)), {
    method: "PUT",
    headers: { "content-type": "application/octet-stream" },
    body,
    signal: AbortSignal.timeout(300_000),
  });
  if (!res.ok) throw new Error(`could not upload ${name}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
const describe = (p: Record<string, number | string>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

/**
 * two_tower and gnn are the GPU trainer's (trainer-gpu/): a job routed here ran into a
 * deployment (or an `npm start` without PyTorch) that sends them to this trainer.
 */
export function gpuOnly(modelType: string): string {
  const name = `TRAINER_URL_${modelType.toUpperCase()}`;
  return (
    `model_type ${modelType} is trained by the GPU trainer (trainer-gpu/), not this one: set ${name} to it; ` +
    "npm start runs it when /usr/bin/python3 can import torch (apt-get install python3-torch python3-numpy)"
  );
}

/** The families a job searches: `auto` tries item_to_item only where it is trained (catalogue size). */
function familiesOf(modelType: string, nItems: number): Family[] {
  if (modelType === "matrix_factorization") return ["matrix_factorization"];
  if (modelType === "item_to_item") return ["item_to_item"];
  return nItems <= ITEM_TO_ITEM_MAX_ITEMS ? ["matrix_factorization", "item_to_item"] : ["matrix_factorization"];
}

/** One report for the job: every family's trials, the winner's choice and verdict. */
function combine(candidates: Candidate[], winner: Candidate): Candidate["tuning"] {
  if (candidates.length === 1) return winner.tuning;
  return {
    ...winner.tuning,
    trials: candidates.flatMap((c) => c.tuning.trials),
    seconds: round(candidates.reduce((s, c) => s + c.tuning.seconds, 0)),
    note: `auto: ${candidates.map((c) => `${c.family} best validation NDCG@10 ${c.tuning.best?.ndcg_at_10 ?? "n/a"}`).join(", ")}; kept ${winner.family}`,
  };
}

/** A classifier job (trainer/src/classifier.ts): read the labelled files, train, upload, complete. */
async function runClassifier(spec: JobSpec, reporter: Reporter, say: (line: string) => void, checkStopped: () => void) {
  const t0 = performance.now();
  const rows = await readLabelledRows(spec.data.files);
  say(
    `${rows.length} labelled rows in ${spec.data.files.length} files (read in ${((performance.now() - t0) / 1000).toFixed(2)} s)`,
  );
  await reporter.send("started", { total_epochs: spec.hyperparameters.epochs ?? spec.total_epochs ?? 0 });
  await reporter.send("progress", { progress: 0.05 });
  const result = await fitClassifierJob(rows, spec.labels, spec.hyperparameters, {
    checkStopped,
    onTrial: (t, done, planned) => {
      void reporter.send("progress", { progress: round(0.05 + (0.55 * done) / planned) });
      say(
        `classifier trial ${done}/${planned}: lr=${t.learning_rate} l2=${t.l2} epochs=${t.epochs}: validation accuracy ${t.val_accuracy.toFixed(4)} macro-F1 ${t.val_f1_score.toFixed(4)}`,
      );
    },
    onEpoch: (epoch, of, loss, accuracy) => {
      void reporter.send("progress", {
        progress: round(0.6 + (0.3 * epoch) / of),
        epoch,
        total_epochs: of,
        metrics: { current_loss: round(loss), current_accuracy: round(accuracy) },
      });
    },
  });
  checkStopped();
  const m = result.metrics;
  say(
    `holdout accuracy ${m.accuracy} macro-F1 ${m.f1_score} (${m.holdout_size} rows), ECE ${m.ece_uncalibrated} -> ${m.ece} at T=${m.temperature}`,
  );
  for (const a of result.artifacts) await upload(spec, a.name, a.bytes);
  await upload(spec, ARTIFACTS.manifest, new TextEncoder().encode(JSON.stringify(result.manifest)));
  await reporter.send("progress", { progress: 0.95 });
  const status = await reporter.send("completed", {
    metrics: result.metrics,
    tuning: result.tuning,
    artifacts: [ARTIFACTS.manifest, ...result.artifacts.map((a) => a.name)],
  });
  say(status === 200 ? "completed" : `completion answered ${status}`);
}

/**
 * Runs one job to its end and reports it: `completed` with the metrics, or `failed` with a
 * sentence. Never throws. matrix_factorization (implicit ALS), item_to_item (EASE or item-kNN)
 * and auto (both, the best on validation kept); two_tower and gnn fail with gpuOnly's sentence.
 */
export async function runJob(spec: JobSpec, log: (line: string) => void = console.log): Promise<void> {
  const say = (line: string) => log(`[trainer] job ${spec.job_id.slice(0, 8)}: ${line}`);
  const reporter = new Reporter(spec.job_id, spec.callback.url, spec.callback.secret, spec.heartbeat_seconds, say);
  reporter.startHeartbeat();
  const checkStopped = () => {
    if (reporter.stopped) throw new Stopped(`the dispatcher ended the job: ${reporter.stopReason}`);
  };
  try {
    if ((GPU_TRAINER_MODEL_TYPES as readonly string[]).includes(spec.model_type))
      throw new Error(gpuOnly(spec.model_type));
    if (!(NODE_TRAINER_MODEL_TYPES as readonly string[]).includes(spec.model_type)) {
      throw new Error(
        `model_type ${spec.model_type} is not one this trainer runs (it runs ${NODE_TRAINER_MODEL_TYPES.join(", ")})`,
      );
    }
    if (spec.model_type === "classifier") {
      await runClassifier(spec, reporter, say, checkStopped);
      return;
    }
    const hp = spec.hyperparameters;
    const seed = hp.seed ?? resolveAlsParams().seed;
    const t0 = performance.now();
    const rows = await readRows(spec.data.files);
    const readSeconds = (performance.now() - t0) / 1000;
    if (rows.length === 0) throw new Error("the job's data range holds no interactions");
    const { matrix, items } = interactionsFromRows(rows);
    say(`${rows.length} events, ${matrix.nUsers} users, ${matrix.nItems} items (read in ${readSeconds.toFixed(2)} s)`);
    await reporter.send("started", { total_epochs: spec.total_epochs ?? resolveAlsParams().iterations });
    await reporter.send("progress", { progress: 0.05 });
    checkStopped();

    // 1. The test split: held out from everything below, so the reported metrics come from
    //    data that no choice saw (neither the search nor the fit).
    const split = splitPerUser(matrix, { mode: "fraction", fraction: HOLD_OUT_FRACTION, seed });

    // 2. The search of each candidate family, on a validation split carved out of the
    //    training split (core/ml/tuning.ts); `auto` keeps the best family on validation.
    const families = familiesOf(spec.model_type, matrix.nItems);
    const candidates: Candidate[] = [];
    for (const [n, family] of families.entries()) {
      const share = 0.55 / families.length;
      const hooks = {
        checkStopped,
        onTrial: async (trial: Trial<Record<string, number | string>>, done: number, planned: number) => {
          checkStopped();
          const progress = 0.05 + share * n + (share * Math.min(done, planned)) / planned;
          void reporter.send("progress", { progress: round(progress) });
          say(
            `${family} trial ${done}: ${describe(trial.params)}: validation NDCG@${K} ${trial.ndcg_at_10.toFixed(4)}`,
          );
        },
      };
      candidates.push(
        await (family === "matrix_factorization" ? alsCandidate : itemToItemCandidate)(split.train, hp, seed, hooks),
      );
    }
    const score = (c: Candidate) => c.tuning.best?.ndcg_at_10 ?? -1;
    const winner = candidates.reduce((a, b) => (score(b) > score(a) ? b : a));
    const tuning = combine(candidates, winner);
    say(
      `chose ${winner.family} ${describe(tuning.chosen)} after ${tuning.trials.length} trials in ${tuning.seconds.toFixed(1)} s: ` +
        `${tuning.verdict}` +
        (tuning.best
          ? ` (validation NDCG@${K} ${tuning.best.ndcg_at_10} vs popularity ${tuning.popularity.ndcg_at_10})`
          : ""),
    );

    // 3. The shipped model, fitted once, on the training split with the chosen settings.
    const fitStarted = performance.now();
    const final = await winner.fit(split.train, (epoch, of, loss, seconds) => {
      void reporter.send("progress", {
        progress: round(0.6 + (0.3 * epoch) / of),
        epoch,
        total_epochs: of,
        metrics: { loss: round(loss), seconds: round(seconds) },
      });
    });
    const fitSeconds = (performance.now() - fitStarted) / 1000;
    checkStopped();
    const model = evaluate(final.scorer, split, K);
    const popularity = evaluate(popularityScorer(split.train), split, K);
    say(
      `held-out Recall@${K} ${model.recall.toFixed(4)} NDCG@${K} ${model.ndcg.toFixed(4)} ` +
        `(popularity ${popularity.recall.toFixed(4)} / ${popularity.ndcg.toFixed(4)}, ${model.users} users)`,
    );

    // 4. Artifacts (contract section 5), then completion.
    if (endianness() !== "LE") throw new Error("this trainer writes little-endian artifacts only");
    const metrics = {
      recall_at_10: round(model.recall),
      ndcg_at_10: round(model.ndcg),
      popularity_recall_at_10: round(popularity.recall),
      popularity_ndcg_at_10: round(popularity.ndcg),
      loss: round(final.loss ?? 0),
      eval_users: model.users,
      users: matrix.nUsers,
      items: matrix.nItems,
      interactions: rows.length,
      train_seconds: round((performance.now() - t0) / 1000),
      read_seconds: round(readSeconds),
      search_seconds: round(tuning.seconds),
      fit_seconds: round(fitSeconds),
      trials: tuning.trials.length,
      validation_ndcg_at_10: tuning.best?.ndcg_at_10 ?? 0,
      validation_popularity_ndcg_at_10: tuning.popularity.ndcg_at_10,
      beats_popularity: tuning.verdict === "beats_popularity" ? 1 : 0,
    };
    const manifest = {
      model_type: winner.family,
      format_version: 1,
      ...final.manifest,
      items: items.ids,
      metrics,
      verdict: tuning.verdict,
      trained_at: new Date().toISOString(),
    };
    for (const a of final.artifacts) await upload(spec, a.name, a.bytes);
    await upload(spec, ARTIFACTS.manifest, new TextEncoder().encode(JSON.stringify(manifest)));
    await reporter.send("progress", { progress: 0.95 });
    const status = await reporter.send("completed", {
      metrics,
      tuning,
      artifacts: [ARTIFACTS.manifest, ...final.artifacts.map((a) => a.name)],
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
