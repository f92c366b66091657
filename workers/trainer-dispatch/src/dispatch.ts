import { signPayload, SIGNATURE_HEADER } from "@edge-ml/core/auth/signatures";
import { filesInRange as catalogueFiles, partitionsOf, type CatalogueFile } from "@edge-ml/core/training/catalogue";
import { TRAINER_JOBS_PATH, trainerPaths, type JobSpec } from "@edge-ml/core/training/contract";
import { failJob, loadJob, nowIso, type TrainingJob as Job } from "@edge-ml/core/training/jobs";
import { isTrainingJobMessage } from "@edge-ml/core/training/messages";
import { ACTIVE_SQL } from "@edge-ml/core/training/states";
import { catalogOf, compactRange } from "./compact-range";
import { log } from "./jobs";
import { signUrl } from "./signing";
import { scheduleWatchdog } from "./watchdog";
import { emitSafely } from "./webhooks";
import { jobSecret } from "./secrets";
import { trainerFor } from "./trainer-url";
import { createCandidates, fansOut } from "./candidates";
import { settleParent } from "./settle";

/**
 * The training queue's job messages (TrainingJobMessage, from the api's trigger route):
 * each is handed to the trainer (docs/trainer-contract.md section 1). While the trainer is
 * unreachable the message is retried with exponential backoff (DISPATCH_RETRY_BASE_SECONDS,
 * doubling, at most 5 minutes) and the attempts are counted on the job; after
 * DISPATCH_MAX_ATTEMPTS the job fails with the last error. A refusal (4xx) fails it at once.
 */
export function dispatchRetryDelaySeconds(env: DispatchEnv, attempts: number): number {
  return Math.min(300, Math.round(Number(env.DISPATCH_RETRY_BASE_SECONDS) * 2 ** Math.max(0, attempts - 1)));
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * The tenant's live Parquet parts with a partition date inside the job's data_range
 * (inclusive), by date then name, through the one catalogue reader (core/training/catalogue.ts)
 * over the catalogue object's parts rather than catalog.json, which it renders up to a second
 * later: right after a compaction the file could still list parts that are deleted.
 */
export async function filesInRange(env: DispatchEnv, job: Job): Promise<CatalogueFile[]> {
  if (job.inputs) return labelledFiles(job);
  return catalogueFiles(partitionsOf(job.tenantId, await catalogOf(env, job.tenantId).parts()), job.dataRange);
}

/** The path segment that stands for a date in a classifier job's data URLs (routes.ts serves by name). */
export const LABELLED_SEGMENT = "labelled";

/** A classifier job's files were fixed when it was created (the job's `inputs`): the same list, no catalogue. */
function labelledFiles(job: Job): CatalogueFile[] {
  return (job.inputs?.files ?? []).map((f) => ({
    key: f.key,
    date: LABELLED_SEGMENT,
    name: f.name,
    row_count: f.row_count,
    size_bytes: f.size_bytes,
  }));
}

/**
 * Merges the small parts of the job's days first (compact-range.ts), so the trainer reads a
 * file a day. Only an optimisation: if it fails, the job trains on the parts as they are
 * rather than wait or fail.
 */
async function compactJobDays(env: DispatchEnv, job: Job): Promise<void> {
  try {
    const merged = await compactRange(env, job.tenantId, day(job.dataRange.start_date), day(job.dataRange.end_date));
    if (merged > 0)
      log("INFO", "Compacted the job's training data", { job_id: job.id, tenant_id: job.tenantId, merged });
  } catch (e) {
    log("WARN", "Compaction before dispatch failed; dispatching the parts as they are", {
      job_id: job.id,
      tenant_id: job.tenantId,
      error: String(e),
    });
  }
}

/** The job spec of docs/trainer-contract.md section 1. */
export async function jobSpec(
  env: DispatchEnv,
  job: Job,
  files: CatalogueFile[],
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<JobSpec> {
  const base = env.PUBLIC_URL.replace(/\/+$/, "");
  const exp = nowSeconds + Number(env.SIGNED_URL_TTL_SECONDS);
  const paths = trainerPaths(job.id);
  const secret = await jobSecret(env, job);
  const data = await Promise.all(
    files.map(async (f) => {
      const path = paths.data(f.date, f.name);
      const sig = await signUrl(secret, "GET", path, exp);
      return { url: `${base}${path}?exp=${exp}&sig=${sig}`, row_count: f.row_count, size_bytes: f.size_bytes };
    }),
  );
  const artifactSig = await signUrl(secret, "PUT", paths.artifacts, exp);
  return {
    job_id: job.id,
    tenant_id: job.tenantId,
    model_type: job.modelType,
    hyperparameters: job.hyperparameters,
    total_epochs: job.totalEpochs,
    data: { files: data },
    callback: { url: `${base}${paths.callbacks}`, secret },
    artifacts: { url: `${base}${paths.artifacts}{name}?exp=${exp}&sig=${artifactSig}` },
    heartbeat_seconds: Number(env.HEARTBEAT_SECONDS),
    ...(job.inputs ? { labels: job.inputs.labels } : {}),
    // An auto candidate on the GPU trainer reports the figure selection compares (settle.ts).
    ...(job.parentJobId && job.modelType !== "auto" ? { validate: true } : {}),
  };
}

async function fail(env: DispatchEnv, job: Job, error: string): Promise<void> {
  if (await failJob(env.DB, job.id, error)) {
    log("WARN", "Training job failed at dispatch", { job_id: job.id, tenant_id: job.tenantId, error });
    if (job.parentJobId) await settleParent(env, job);
    else await emitSafely(env, job.tenantId, "training.failed", { training_job_id: job.id, error });
  }
}

export async function dispatchJob(msg: Message<unknown>, env: DispatchEnv): Promise<void> {
  if (!isTrainingJobMessage(msg.body)) {
    log("WARN", "Dropping a malformed training message", { message_id: msg.id });
    msg.ack();
    return;
  }
  const job = await loadJob(env.DB, msg.body.job_id);
  // Only a queued job is dispatched: a redelivered message for a running, finished or
  // cancelled job does nothing. The tenant in the message must match the row's.
  if (!job || job.tenantId !== msg.body.tenant_id || job.status !== "queued") {
    msg.ack();
    return;
  }
  if (!job.inputs) await compactJobDays(env, job);
  const files = await filesInRange(env, job);
  if (files.length === 0) {
    await fail(
      env,
      job,
      job.inputs
        ? "no labelled data: upload labelled examples first"
        : `no training data between ${job.dataRange.start_date} and ${job.dataRange.end_date}: ingest interactions for that range first`,
    );
    msg.ack();
    return;
  }
  if (fansOut(env, job)) {
    await dispatchCandidates(env, job);
    msg.ack();
    return;
  }
  const route = trainerFor(env, job.modelType);
  if ("unconfigured" in route) {
    await fail(env, job, route.unconfigured);
    msg.ack();
    return;
  }
  const attempts = job.dispatchAttempts + 1;
  await env.DB.prepare(
    "UPDATE training_jobs SET dispatch_attempts = ?, updated_at = ? WHERE id = ? AND status = 'queued'",
  )
    .bind(attempts, nowIso(), job.id)
    .run();

  const trainerUrl = route.url;
  const body = JSON.stringify(await jobSpec(env, job, files));
  let outcome: { kind: "accepted" } | { kind: "refused"; reason: string } | { kind: "unreachable"; error: string };
  try {
    const res = await fetch(`${trainerUrl}${TRAINER_JOBS_PATH}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: await signPayload(env.TRAINER_SHARED_SECRET, body),
      },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) outcome = { kind: "accepted" };
    else if (res.status >= 400 && res.status < 500) outcome = { kind: "refused", reason: reasonOf(text, res.status) };
    else outcome = { kind: "unreachable", error: `answered ${res.status}` };
  } catch (e) {
    outcome = { kind: "unreachable", error: e instanceof Error ? e.message : String(e) };
  }

  if (outcome.kind === "accepted") {
    const now = nowIso();
    // The trainer's first callback may already have marked the job running (it can overtake this update).
    const res = await env.DB.prepare(
      `UPDATE training_jobs SET status = 'running', started_at = coalesce(started_at, ?), heartbeat_at = coalesce(heartbeat_at, ?), updated_at = ? WHERE id = ? AND ${ACTIVE_SQL}`,
    )
      .bind(now, now, now, job.id)
      .run();
    if (res.meta.changes > 0) {
      log("INFO", "Training job handed to the trainer", { job_id: job.id, tenant_id: job.tenantId, attempts });
      await scheduleWatchdog(env, job, Number(env.HEARTBEAT_SECONDS) * 3);
      await emitSafely(env, job.tenantId, "training.started", {
        training_job_id: job.id,
        model_type: job.modelType,
        total_epochs: job.totalEpochs,
      });
    }
    msg.ack();
  } else if (outcome.kind === "refused") {
    await fail(env, job, `the trainer refused the job: ${outcome.reason}`);
    msg.ack();
  } else if (attempts >= Number(env.DISPATCH_MAX_ATTEMPTS)) {
    await fail(env, job, `trainer unreachable at ${trainerUrl} after ${attempts} attempts: ${outcome.error}`);
    msg.ack();
  } else {
    log("WARN", "Trainer unreachable; will retry", { job_id: job.id, attempts, error: outcome.error });
    msg.retry({ delaySeconds: dispatchRetryDelaySeconds(env, attempts) });
  }
}

/**
 * An auto job with GPU candidates (candidates.ts): each candidate is handed over here, at
 * once, as its own message would be; one whose trainer is unreachable goes to the queue for
 * its retries, and one that throws is queued as it is.
 */
async function dispatchCandidates(env: DispatchEnv, parent: Job): Promise<void> {
  for (const body of await createCandidates(env, parent)) {
    const later: Promise<unknown>[] = [];
    const inline: Message<unknown> = {
      id: `candidate-${body.job_id}`,
      timestamp: new Date(),
      body,
      attempts: 1,
      ack: () => undefined,
      retry: (o?: QueueRetryOptions) =>
        void later.push(env.TRAINING_QUEUE.send(body, o?.delaySeconds ? { delaySeconds: o.delaySeconds } : {})),
    };
    try {
      await dispatchJob(inline, env);
    } catch (e) {
      log("WARN", "Candidate dispatch failed; queued for retry", { job_id: body.job_id, error: String(e) });
      later.push(env.TRAINING_QUEUE.send(body, { delaySeconds: 5 }));
    }
    await Promise.all(later);
  }
}

function reasonOf(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const reason = typeof body.error === "string" ? body.error : typeof body.message === "string" ? body.message : null;
    if (reason) return reason;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 300) || `HTTP ${status}`;
}
