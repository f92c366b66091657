import { artifactPrefix, versionFor } from "@edge-ml/core/training/contract";
import { jobFromRow, loadJob, nowIso, type TrainingJob as Job, type TrainingJobRaw } from "@edge-ml/core/training/jobs";
import { ACTIVE_SQL, isFinished } from "@edge-ml/core/training/states";
import { deleteArtifacts, log } from "./jobs";
import { producedType } from "./produced-type";
import { emitSafely } from "./webhooks";

/**
 * An `auto` parent's fate follows its candidates (candidates.ts): its progress is theirs, and
 * when the last one finishes it keeps the completed candidate with the best VALIDATION
 * NDCG@10 (never the test split's figure: selecting on it would leak the test split into the
 * reported metrics), registers it as its own version and records every candidate's figures.
 * A failed candidate fails the parent only when none completed.
 */

/** One candidate as the parent's tuning report lists it. */
type CandidateReport = {
  job_id: string;
  model_type: string;
  status: string;
  validation_ndcg_at_10: number | null;
  validation_recall_at_10: number | null;
  validation_users: number | null;
  error: string | null;
};

const figure = (job: Job, name: string): number | null => {
  const v = job.metrics[name];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};

async function candidatesOf(env: DispatchEnv, parentId: string): Promise<Job[]> {
  // Insertion order: the CPU candidate first, so it keeps a tie.
  const { results } = await env.DB.prepare("SELECT * FROM training_jobs WHERE parent_job_id = ? ORDER BY rowid")
    .bind(parentId)
    .all<TrainingJobRaw>();
  return results.map(jobFromRow);
}

/** The parent's progress: the mean of its candidates' (never backwards); their callbacks are its heartbeat. */
export async function deriveProgress(env: DispatchEnv, child: Job): Promise<void> {
  if (!child.parentJobId) return;
  const now = nowIso();
  await env.DB.prepare(
    `UPDATE training_jobs SET progress = max(progress, coalesce((SELECT avg(progress) FROM training_jobs WHERE parent_job_id = ?1), 0)), heartbeat_at = ?2, updated_at = ?2 WHERE id = ?1 AND ${ACTIVE_SQL}`,
  )
    .bind(child.parentJobId, now)
    .run();
}

/** True when the child's parent has finished (cancelled, say): the child is cancelled with it. */
export async function endedWithParent(env: DispatchEnv, child: Job): Promise<boolean> {
  if (!child.parentJobId) return false;
  const parent = await loadJob(env.DB, child.parentJobId);
  if (parent && !isFinished(parent.status)) return false;
  const now = nowIso();
  await env.DB.prepare(
    `UPDATE training_jobs SET status = 'cancelled', error = ?, finished_at = ?, updated_at = ? WHERE id = ? AND ${ACTIVE_SQL}`,
  )
    .bind(`its auto job ${child.parentJobId} is ${parent?.status ?? "gone"}`, now, now, child.id)
    .run();
  await deleteArtifacts(env.DATA, artifactPrefix(child));
  return true;
}

const describe = (c: CandidateReport) =>
  c.status === "completed"
    ? `${c.model_type} validation NDCG@10 ${c.validation_ndcg_at_10 ?? "n/a"}`
    : `${c.model_type} ${c.status}: ${c.error ?? "no reason given"}`;

/** Called after a candidate finished (any way): settles its parent once every candidate has. */
export async function settleParent(env: DispatchEnv, child: Job): Promise<void> {
  if (!child.parentJobId) return;
  const parent = await loadJob(env.DB, child.parentJobId);
  if (!parent) return;
  if (isFinished(parent.status)) {
    // Cancelled meanwhile: nothing of its candidates is kept.
    if (parent.status !== "completed") await deleteArtifacts(env.DATA, artifactPrefix(child));
    return;
  }
  const children = await candidatesOf(env, parent.id);
  if (children.some((c) => !isFinished(c.status))) return;

  const reports: CandidateReport[] = children.map((c) => ({
    job_id: c.id,
    model_type: c.modelType,
    status: c.status,
    validation_ndcg_at_10: figure(c, "validation_ndcg_at_10"),
    validation_recall_at_10: figure(c, "validation_recall_at_10"),
    validation_users: figure(c, "validation_users"),
    error:
      c.status === "completed" && figure(c, "validation_ndcg_at_10") === null
        ? "no validation NDCG@10 reported"
        : c.error,
  }));
  const eligible = children.filter((c) => c.status === "completed" && figure(c, "validation_ndcg_at_10") !== null);
  if (eligible.length === 0) return failParent(env, parent, children, reports);
  const winner = eligible.reduce((best, c) =>
    figure(c, "validation_ndcg_at_10")! > figure(best, "validation_ndcg_at_10")! ? c : best,
  );
  const prefix = artifactPrefix(winner);
  const modelType = (await producedType(env, winner, prefix)) ?? winner.modelType;
  const cpuNote = children.find((c) => c.modelType === "auto")?.tuning?.note;
  const tuning = {
    ...(winner.tuning ?? {}),
    model_type: modelType,
    // Every candidate's search; the GPU trainer's candidates train once and add none.
    trials: children.flatMap((c) => (Array.isArray(c.tuning?.trials) ? (c.tuning.trials as unknown[]) : [])),
    candidates: reports,
    note: `auto: ${reports.map(describe).join("; ")}; kept ${modelType}${typeof cpuNote === "string" ? ` (CPU candidate: ${cpuNote})` : ""}`,
  };
  const version = versionFor(parent);
  const metrics = JSON.stringify(winner.metrics);
  const now = nowIso();
  // The parent completes and its version appears together, or neither (as routes.ts completed).
  const [update] = await env.DB.batch([
    env.DB.prepare(
      `UPDATE training_jobs SET status = 'completed', progress = 1, current_epoch = max(current_epoch, total_epochs), metrics = ?, model_version = ?, tuning = ?, heartbeat_at = ?, finished_at = ?, updated_at = ?, error = NULL WHERE id = ? AND ${ACTIVE_SQL}`,
    ).bind(metrics, version, JSON.stringify(tuning), now, now, now, parent.id),
    // The version is the parent's (auto-...); its artifacts stay where the winner uploaded them.
    env.DB.prepare(
      `INSERT OR IGNORE INTO model_versions (tenant_id, kind, version, model_type, status, is_production, metrics, training_job_id, artifact_prefix, created_at, tuning)
       SELECT tenant_id, 'recommender', model_version, ?, 'pending', 0, metrics, id, ?, ?, tuning
         FROM training_jobs WHERE id = ? AND status = 'completed' AND model_version = ?`,
    ).bind(modelType, prefix, now, parent.id, version),
  ]);
  for (const c of children) if (c.id !== winner.id) await deleteArtifacts(env.DATA, artifactPrefix(c));
  if (!update || update.meta.changes === 0) return;
  log("INFO", "auto job kept its best candidate", {
    job_id: parent.id,
    tenant_id: parent.tenantId,
    version,
    kept: winner.id,
    model_type: modelType,
  });
  await emitSafely(env, parent.tenantId, "training.completed", {
    training_job_id: parent.id,
    version,
    kind: "recommender",
    metrics: winner.metrics,
  });
}

async function failParent(env: DispatchEnv, parent: Job, children: Job[], reports: CandidateReport[]): Promise<void> {
  const error = `every candidate failed: ${reports.map(describe).join("; ")}`.slice(0, 1000);
  const now = nowIso();
  const res = await env.DB.prepare(
    `UPDATE training_jobs SET status = 'failed', error = ?, tuning = ?, finished_at = ?, updated_at = ? WHERE id = ? AND ${ACTIVE_SQL}`,
  )
    .bind(error, JSON.stringify({ candidates: reports }), now, now, parent.id)
    .run();
  for (const c of children) await deleteArtifacts(env.DATA, artifactPrefix(c));
  if (res.meta.changes === 0) return;
  log("WARN", "auto job failed: no candidate completed", { job_id: parent.id, tenant_id: parent.tenantId, error });
  await emitSafely(env, parent.tenantId, "training.failed", { training_job_id: parent.id, error });
}
