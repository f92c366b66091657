import { keyringFrom, randomToken, sealedFor, sealSecret } from "@edge-ml/core/auth";
import { nowIso, type TrainingJob as Job } from "@edge-ml/core/training/jobs";
import type { TrainingJobMessage } from "@edge-ml/core/training/messages";
import { log } from "./jobs";
import { NO_TRAINER, trainerFor, trainerVarFor } from "./trainer-url";

/**
 * `auto` across trainers (docs/decisions.md "auto across trainers", docs/trainer-contract.md
 * section 9). Where a GPU type named in AUTO_CANDIDATES has a trainer of its own
 * (TRAINER_URL_<TYPE>), an `auto` job becomes the parent of candidate jobs on its data range
 * and seed: an `auto` child for the CPU trainer (ALS against item_to_item, as before) and one
 * child per such GPU type. Each candidate is an ordinary job to the trainers (its own secret,
 * callbacks, watchdog); settle.ts keeps the best on validation NDCG@10.
 */

/** The GPU types this `auto` job also tries: listed in AUTO_CANDIDATES and routed to a trainer of their own. */
export function gpuCandidates(env: DispatchEnv): string[] {
  const vars = env as unknown as Record<string, unknown>;
  const listed = (env.AUTO_CANDIDATES ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t === "two_tower" || t === "gnn");
  return listed.filter((type) => {
    const own = vars[trainerVarFor(type)];
    // Its own URL only: through TRAINER_URL the type would reach the CPU trainer, which refuses it.
    return typeof own === "string" && own.trim() !== "" && own.trim() !== NO_TRAINER && "url" in trainerFor(env, type);
  });
}

/** A candidate never fans out again, and a job without GPU candidates is dispatched as ever. */
export const fansOut = (env: DispatchEnv, job: Job): boolean =>
  job.modelType === "auto" && job.parentJobId === null && gpuCandidates(env).length > 0;

/**
 * Creates the candidates and marks the parent running, in one batch conditional on the parent
 * still being queued (a redelivered message creates nothing twice); returns the messages that
 * dispatch the candidates, empty when another delivery won.
 */
export async function createCandidates(env: DispatchEnv, parent: Job): Promise<TrainingJobMessage[]> {
  const ring = await keyringFrom(env.SECRETS_KEY);
  const now = nowIso();
  const types = ["auto", ...gpuCandidates(env)];
  const children = await Promise.all(
    types.map(async (type) => {
      const id = crypto.randomUUID();
      return { id, type, secret: await sealSecret(ring, randomToken(32), sealedFor.job(id)) };
    }),
  );
  const claim = env.DB.prepare(
    "UPDATE training_jobs SET status = 'running', started_at = ?, heartbeat_at = ?, updated_at = ? WHERE id = ? AND status = 'queued'",
  ).bind(now, now, now, parent.id);
  const inserts = children.map((c) =>
    env.DB.prepare(
      `INSERT INTO training_jobs (id, tenant_id, model_type, status, hyperparameters, data_range, total_epochs, callback_secret, estimated_duration_minutes, created_by, created_at, updated_at, parent_job_id)
       SELECT ?, tenant_id, ?, 'queued', hyperparameters, data_range, total_epochs, ?, estimated_duration_minutes, created_by, ?, ?, id
         FROM training_jobs WHERE id = ? AND status = 'running' AND started_at = ?`,
    ).bind(c.id, c.type, c.secret, now, now, parent.id, now),
  );
  const [claimed] = await env.DB.batch([claim, ...inserts]);
  if (!claimed || claimed.meta.changes === 0) return [];
  log("INFO", "auto job split into candidates", {
    job_id: parent.id,
    tenant_id: parent.tenantId,
    candidates: children.map((c) => ({ job_id: c.id, model_type: c.type })),
  });
  return children.map((c) => ({ job_id: c.id, tenant_id: parent.tenantId }));
}
