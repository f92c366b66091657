import type { TrainingJobRow } from "../db/schema/training";
import { ACTIVE_SQL, type JobStatus } from "./states";

/**
 * The one job type: the `training_jobs` row as drizzle parses it (core/db/schema/training.ts).
 * The api reads it through drizzle; the dispatcher, which keeps its bundle small with raw D1,
 * maps its rows with `jobFromRow`, so both sides hold the same object. `callbackSecret` is
 * the stored text, sealed (core/auth/sealed-secrets.ts): the dispatcher opens it where it signs
 * or verifies (workers/trainer-dispatch/src/secrets.ts), so no job object carries it in the clear.
 */
export type TrainingJob = TrainingJobRow;

/** A `training_jobs` row as raw D1 returns it: snake_case, JSON columns as text. */
export type TrainingJobRaw = {
  id: string;
  tenant_id: string;
  model_type: TrainingJob["modelType"];
  status: JobStatus;
  hyperparameters: string;
  data_range: string;
  progress: number;
  current_epoch: number;
  total_epochs: number;
  metrics: string;
  history: string;
  error: string | null;
  inputs: string | null;
  warnings: string;
  callback_secret: string;
  last_seq: number;
  dispatch_attempts: number;
  estimated_duration_minutes: number;
  model_version: string | null;
  parent_job_id: string | null;
  tuning: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  heartbeat_at: string | null;
  finished_at: string | null;
};

export function jobFromRow(r: TrainingJobRaw): TrainingJob {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    modelType: r.model_type,
    status: r.status,
    hyperparameters: JSON.parse(r.hyperparameters) as TrainingJob["hyperparameters"],
    dataRange: JSON.parse(r.data_range) as TrainingJob["dataRange"],
    progress: r.progress,
    currentEpoch: r.current_epoch,
    totalEpochs: r.total_epochs,
    metrics: JSON.parse(r.metrics) as TrainingJob["metrics"],
    history: JSON.parse(r.history) as TrainingJob["history"],
    error: r.error,
    inputs: r.inputs === null ? null : (JSON.parse(r.inputs) as TrainingJob["inputs"]),
    warnings: JSON.parse(r.warnings) as TrainingJob["warnings"],
    callbackSecret: r.callback_secret,
    lastSeq: r.last_seq,
    dispatchAttempts: r.dispatch_attempts,
    estimatedDurationMinutes: r.estimated_duration_minutes,
    modelVersion: r.model_version,
    parentJobId: r.parent_job_id ?? null,
    tuning: r.tuning ? (JSON.parse(r.tuning) as TrainingJob["tuning"]) : null,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
    finishedAt: r.finished_at,
  };
}

export const nowIso = (ms = Date.now()) => new Date(ms).toISOString();

/** The job by id alone: its secret is the authority for callbacks, whatever tenant it belongs to. */
export async function loadJob(db: D1Database, jobId: string): Promise<TrainingJob | null> {
  const row = await db.prepare("SELECT * FROM training_jobs WHERE id = ?").bind(jobId).first<TrainingJobRaw>();
  return row ? jobFromRow(row) : null;
}

/**
 * Fails a job still in one of `from` (any active state by default); false when it had left
 * them (nothing changed). Never touches model_versions: a failed job has no version.
 */
export async function failJob(
  db: D1Database,
  jobId: string,
  error: string,
  options: { at?: number; onlyQueued?: boolean } = {},
): Promise<boolean> {
  const at = nowIso(options.at);
  const res = await db
    .prepare(
      `UPDATE training_jobs SET status = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE id = ? AND ${options.onlyQueued ? "status = 'queued'" : ACTIVE_SQL}`,
    )
    .bind(error, at, at, jobId)
    .run();
  return res.meta.changes > 0;
}
