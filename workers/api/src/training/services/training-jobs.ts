import { and, eq, inArray, isNull } from "drizzle-orm";
import { newestFirst } from "../../lib/newest-first";
import { keyringFrom, randomToken, sealedFor, sealSecret } from "@edge-ml/core/auth";
import { trainingJobs, type JobInputs } from "@edge-ml/core/db/schema";
import { ApiError, errors } from "@edge-ml/core/errors";
import {
  defaultDataRange,
  estimateDurationMinutes,
  hyperparameterWarnings,
  kindOfModelType,
  JOB_MODEL_TYPES,
  resolveHyperparameters,
  totalEpochsOf,
  utcDay,
  type JobModelType,
  type ModelKind,
  type ModelType,
  type TrainingJobMessage,
  type TriggerTrainingInput,
} from "@edge-ml/core/schemas";
import { readCatalogJson, rowsInRange, type DayRange } from "@edge-ml/core/training/catalogue";
import { failJob, type TrainingJob } from "@edge-ml/core/training/jobs";
import { ACTIVE_SQL, ACTIVE_STATUSES } from "@edge-ml/core/training/states";
import { emitWebhookEvent } from "@edge-ml/core/training/webhooks";
import { getDb, type Db } from "../../lib/db";
import type { Logger } from "../../lib/logger";

/**
 * Training jobs, the api's side (docs/decisions.md "Training jobs, model registry, webhooks"):
 * the trigger validates, sizes and records a job, and puts `{ job_id, tenant_id }` on
 * TRAINING_QUEUE; workers/trainer-dispatch takes it from there (trainer, callbacks, versions).
 */
type DataRange = DayRange;

export type TriggerResult = {
  job_id: string;
  status: "queued" | "failed";
  estimated_duration_minutes: number;
  error: string | null;
  warnings: string[];
};

export type TrainingEnv = Pick<ApiEnv, "DB" | "DATA" | "TRAINING_QUEUE" | "WEBHOOK_QUEUE" | "SECRETS_KEY">;

const modelTypesOfKind = (kind: ModelKind) => JOB_MODEL_TYPES.filter((t) => kindOfModelType(t) === kind);

/**
 * Creates the job. Well-formed requests that cannot train (no data in the range) are
 * recorded as failed jobs with the reason and answered like any trigger; a second queued or running job of the same kind is refused with 409.
 */
export async function triggerTraining(
  env: TrainingEnv,
  tenantId: string,
  createdBy: string,
  config: TriggerTrainingInput["training_config"],
  correlationId: string,
  logger: Logger,
): Promise<TriggerResult> {
  const db = getDb(env.DB);
  const now = new Date();
  const modelType = config.model_type;
  const hyperparameters = resolveHyperparameters(modelType, config.hyperparameters);
  const dataRange: DataRange = config.data_range
    ? { start_date: utcDay(config.data_range.start_date)!, end_date: utcDay(config.data_range.end_date)! }
    : defaultDataRange(now);
  const base = {
    tenantId,
    modelType,
    hyperparameters,
    dataRange,
    totalEpochs: totalEpochsOf(modelType, hyperparameters),
    createdBy,
    warnings: hyperparameterWarnings(modelType, config.hyperparameters),
  };

  const rows = rowsInRange(await readCatalogJson(env.DATA, tenantId), dataRange);
  if (rows === 0) {
    return failAtOnce(
      env,
      db,
      base,
      `no training data between ${dataRange.start_date} and ${dataRange.end_date}`,
      correlationId,
      logger,
    );
  }

  const id = crypto.randomUUID();
  const job = {
    ...base,
    id,
    callbackSecret: await newCallbackSecret(env, id),
    estimatedDurationMinutes: estimateDurationMinutes(rows, hyperparameters),
  };
  await insertAndQueue(env, job, now, logger);
  return {
    job_id: job.id,
    status: "queued",
    estimated_duration_minutes: job.estimatedDurationMinutes,
    error: null,
    warnings: job.warnings,
  };
}

type NewJob = Parameters<typeof insertIfIdle>[1];

/**
 * Records a queued job (one of its kind per tenant: 409 with the running job's id) and puts
 * it on TRAINING_QUEUE; a job that cannot be queued is failed, and the caller told 503.
 */
export async function insertAndQueue(env: TrainingEnv, job: NewJob, now: Date, logger: Logger): Promise<void> {
  const db = getDb(env.DB);
  // Twice at most: a job that finishes between a refused insert and the lookup frees the slot.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await insertIfIdle(env.DB, job, now.toISOString())) break;
    const running = await activeJobOf(db, job.tenantId, kindOfModelType(job.modelType));
    if (running) {
      throw new ApiError(
        "conflict",
        `A ${kindOfModelType(job.modelType)} training job is already ${running.status} for this tenant (${running.id}); wait for it or cancel it`,
        { job_id: running.id, status: running.status },
      );
    }
    if (attempt === 1) throw new ApiError("unavailable", "Could not create the training job; retry");
  }
  try {
    await env.TRAINING_QUEUE.send({ job_id: job.id, tenant_id: job.tenantId } satisfies TrainingJobMessage, {
      contentType: "json",
    });
  } catch (err) {
    await failJob(env.DB, job.id, "the job could not be queued; trigger it again");
    logger.error("Training job not queued", { job_id: job.id, error: String(err) });
    throw new ApiError("unavailable", "The training queue is unavailable; the job was not started", {
      job_id: job.id,
    });
  }
}

/**
 * One statement, so two concurrent triggers cannot both pass the check: D1 runs each
 * statement atomically, and the insert happens only when no queued or running job of the
 * same kind exists for the tenant. Returns whether the row was inserted.
 */
export async function insertIfIdle(
  d1: D1Database,
  job: {
    id: string;
    tenantId: string;
    modelType: JobModelType;
    inputs?: JobInputs | null;
    hyperparameters: Record<string, number>;
    dataRange: DataRange;
    totalEpochs: number;
    callbackSecret: string;
    estimatedDurationMinutes: number;
    createdBy: string;
    warnings: string[];
  },
  now: string,
): Promise<boolean> {
  const types = modelTypesOfKind(kindOfModelType(job.modelType));
  const result = await d1
    .prepare(
      `INSERT INTO training_jobs (id, tenant_id, model_type, status, hyperparameters, data_range, total_epochs,
         callback_secret, estimated_duration_minutes, created_by, created_at, updated_at, warnings, inputs)
       SELECT ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
       WHERE NOT EXISTS (
         SELECT 1 FROM training_jobs WHERE tenant_id = ? AND ${ACTIVE_SQL}
           AND model_type IN (${types.map(() => "?").join(", ")}))`,
    )
    .bind(
      job.id,
      job.tenantId,
      job.modelType,
      JSON.stringify(job.hyperparameters),
      JSON.stringify(job.dataRange),
      job.totalEpochs,
      job.callbackSecret,
      job.estimatedDurationMinutes,
      job.createdBy,
      now,
      now,
      JSON.stringify(job.warnings),
      job.inputs ? JSON.stringify(job.inputs) : null,
      job.tenantId,
      ...types,
    )
    .run();
  return result.meta.changes === 1;
}

async function activeJobOf(db: Db, tenantId: string, kind: ModelKind) {
  const [row] = await db
    .select({ id: trainingJobs.id, status: trainingJobs.status })
    .from(trainingJobs)
    .where(
      and(
        eq(trainingJobs.tenantId, tenantId),
        inArray(trainingJobs.status, [...ACTIVE_STATUSES]),
        inArray(trainingJobs.modelType, modelTypesOfKind(kind)),
      ),
    )
    .limit(1);
  return row;
}

/** Records a job that cannot run as failed (no queue message) and tells subscribers, as any failure. */
export async function failAtOnce(
  env: TrainingEnv,
  db: Db,
  base: {
    tenantId: string;
    modelType: JobModelType;
    inputs?: JobInputs | null;
    hyperparameters: Record<string, number>;
    dataRange: DataRange;
    totalEpochs: number;
    createdBy: string;
    warnings: string[];
  },
  error: string,
  correlationId: string,
  logger: Logger,
): Promise<TriggerResult> {
  const now = new Date().toISOString();
  const id = crypto.randomUUID();
  await db.insert(trainingJobs).values({
    ...base,
    id,
    status: "failed",
    error,
    callbackSecret: await newCallbackSecret(env, id),
    estimatedDurationMinutes: 0,
    createdAt: now,
    updatedAt: now,
    finishedAt: now,
  });
  try {
    await emitWebhookEvent(
      env,
      base.tenantId,
      "training.failed",
      { training_job_id: id, model_type: base.modelType, error },
      correlationId,
    );
  } catch (err) {
    logger.warn("Webhook event not emitted", { event: "training.failed", job_id: id, error: String(err) });
  }
  return { job_id: id, status: "failed", estimated_duration_minutes: 0, error, warnings: base.warnings };
}

export async function getJob(db: Db, tenantId: string, id: string): Promise<TrainingJob> {
  const [row] = await db
    .select()
    .from(trainingJobs)
    .where(and(eq(trainingJobs.tenantId, tenantId), eq(trainingJobs.id, id)));
  if (!row) throw errors.notFound("Training job");
  return row;
}

/** One page of the tenant's jobs, newest first, optionally of one status; with the total. */
export async function listJobs(
  db: Db,
  tenantId: string,
  q: { limit: number; offset: number; status?: TrainingJob["status"] },
): Promise<{ rows: TrainingJob[]; total: number }> {
  // The jobs the tenant triggered: an auto job's candidates (parent_job_id set, docs/decisions.md
  // "auto across trainers") are the dispatcher's bookkeeping, readable by id only.
  const where = and(
    eq(trainingJobs.tenantId, tenantId),
    isNull(trainingJobs.parentJobId),
    q.status ? eq(trainingJobs.status, q.status) : undefined,
  );
  return newestFirst(db, trainingJobs, where, q);
}

/** queued/running -> cancelled; cancelling a cancelled job is a no-op; a finished one is a 409. */
export async function cancelJob(db: Db, tenantId: string, id: string): Promise<TrainingJob> {
  const now = new Date().toISOString();
  const [cancelled] = await db
    .update(trainingJobs)
    .set({ status: "cancelled", finishedAt: now, updatedAt: now })
    .where(
      and(
        eq(trainingJobs.tenantId, tenantId),
        eq(trainingJobs.id, id),
        inArray(trainingJobs.status, [...ACTIVE_STATUSES]),
      ),
    )
    .returning();
  if (cancelled) return cancelled;
  const row = await getJob(db, tenantId, id);
  if (row.status === "cancelled") return row;
  throw new ApiError("conflict", `The job is already ${row.status}; only queued or running jobs can be cancelled`, {
    job_id: row.id,
    status: row.status,
  });
}

/**
 * A job's callback secret, sealed for its row (core/auth/sealed-secrets.ts): only the
 * dispatcher opens it, to sign the job spec and verify callbacks. Throws without SECRETS_KEY.
 */
export async function newCallbackSecret(env: TrainingEnv, jobId: string): Promise<string> {
  return sealSecret(await keyringFrom(env.SECRETS_KEY), randomToken(32), sealedFor.job(jobId));
}
