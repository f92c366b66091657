import { artifactPrefix } from "@edge-ml/core/training/contract";
import { failJob, loadJob, nowIso, type TrainingJob as Job } from "@edge-ml/core/training/jobs";
import type { WatchdogMessage } from "@edge-ml/core/training/messages";
import { deleteArtifacts, log } from "./jobs";
import { emitSafely } from "./webhooks";
import { settleParent } from "./settle";

/**
 * Silent trainers. A running job whose last callback (any type counts as a heartbeat) is
 * older than 3 x HEARTBEAT_SECONDS is failed, its uploaded artifacts deleted, and later
 * callbacks for it are refused (409). Two mechanisms, one rule:
 * - a watchdog message per job on the training queue, sent with a delay when the job is
 *   handed over and re-sent for the time left while the job is alive (precise, and it runs
 *   under `wrangler dev`, which does not fire cron triggers on its own);
 * - the cron sweep (every minute), a backstop for a lost watchdog message, which also fails
 *   jobs still queued after QUEUED_TIMEOUT_SECONDS (their message lost).
 */
export async function scheduleWatchdog(
  env: Pick<DispatchEnv, "TRAINING_QUEUE">,
  job: Pick<Job, "id" | "tenantId">,
  delaySeconds: number,
): Promise<void> {
  const body: WatchdogMessage = { kind: "watchdog", job_id: job.id, tenant_id: job.tenantId };
  // Queues delays at most 12 hours.
  await env.TRAINING_QUEUE.send(body, { delaySeconds: Math.max(1, Math.min(43_200, Math.ceil(delaySeconds))) });
}

const limitSeconds = (env: DispatchEnv) => Number(env.HEARTBEAT_SECONDS) * 3;

/** Fails the job if it is running and silent past the limit; true when it did. */
export async function expireIfSilent(env: DispatchEnv, job: Job, now = Date.now()): Promise<boolean> {
  if (job.status !== "running") return false;
  // An auto parent has no trainer of its own: its candidates' fates decide it (settle.ts).
  if (await isParent(env, job.id)) return false;
  const last = Date.parse(job.heartbeatAt ?? job.startedAt ?? job.createdAt);
  const silent = Math.floor((now - last) / 1000);
  const limit = limitSeconds(env);
  if (silent <= limit) return false;
  const error = `trainer stopped responding (no heartbeat for ${silent}s; the limit is ${limit}s)`;
  // Conditional on the heartbeat read above: a callback that just arrived wins.
  const res = await env.DB.prepare(
    "UPDATE training_jobs SET status = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE id = ? AND status = 'running' AND coalesce(heartbeat_at, '') = coalesce(?, '')",
  )
    .bind(error, nowIso(now), nowIso(now), job.id, job.heartbeatAt)
    .run();
  if (res.meta.changes === 0) return false;
  log("WARN", "Training job failed: no heartbeat", { job_id: job.id, tenant_id: job.tenantId, silent_seconds: silent });
  await deleteArtifacts(env.DATA, artifactPrefix(job));
  if (job.parentJobId) await settleParent(env, job);
  else await emitSafely(env, job.tenantId, "training.failed", { training_job_id: job.id, error });
  return true;
}

async function isParent(env: DispatchEnv, jobId: string): Promise<boolean> {
  return (
    (await env.DB.prepare("SELECT 1 FROM training_jobs WHERE parent_job_id = ? LIMIT 1").bind(jobId).first()) !== null
  );
}

export async function runWatchdog(msg: Message<unknown>, env: DispatchEnv, now = Date.now()): Promise<void> {
  const body = msg.body as WatchdogMessage;
  const job = await loadJob(env.DB, body.job_id);
  if (job && job.status === "running" && !(await expireIfSilent(env, job, now))) {
    // Alive: look again when the limit would be reached from its last heartbeat.
    const last = Date.parse(job.heartbeatAt ?? job.startedAt ?? job.createdAt);
    await scheduleWatchdog(env, job, (last + limitSeconds(env) * 1000 - now) / 1000 + 1);
  }
  msg.ack();
}

/** The cron sweep; returns the ids of the jobs it failed. */
export async function sweep(env: DispatchEnv, now = Date.now()): Promise<string[]> {
  const failed: string[] = [];
  const cutoff = nowIso(now - limitSeconds(env) * 1000);
  const { results: silent } = await env.DB.prepare(
    "SELECT id FROM training_jobs WHERE status = 'running' AND coalesce(heartbeat_at, started_at, created_at) < ? LIMIT 100",
  )
    .bind(cutoff)
    .all<{ id: string }>();
  for (const { id } of silent) {
    const job = await loadJob(env.DB, id);
    if (job && (await expireIfSilent(env, job, now))) failed.push(id);
  }
  const queuedLimit = Number(env.QUEUED_TIMEOUT_SECONDS);
  const { results: stuck } = await env.DB.prepare(
    "SELECT id, tenant_id FROM training_jobs WHERE status = 'queued' AND created_at < ? LIMIT 100",
  )
    .bind(nowIso(now - queuedLimit * 1000))
    .all<{ id: string; tenant_id: string }>();
  for (const { id, tenant_id } of stuck) {
    const error = `the job was never picked up by the dispatcher within ${queuedLimit}s; trigger it again`;
    if (await failJob(env.DB, id, error, { at: now, onlyQueued: true })) {
      failed.push(id);
      const job = await loadJob(env.DB, id);
      if (job?.parentJobId) await settleParent(env, job);
      else await emitSafely(env, tenant_id, "training.failed", { training_job_id: id, error });
    }
  }
  return failed;
}
