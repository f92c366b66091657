import { and, desc, eq, inArray } from "drizzle-orm";
import { retrainRuns, trainingJobs, type RetrainRunRow } from "@edge-ml/core/db/schema";
import { ApiError } from "@edge-ml/core/errors";
import { getDb, type Db } from "../../lib/db";
import type { Logger } from "../../lib/logger";
import { deployVersion } from "../../training/services/model-versions";
import { forgetProductionClassifier } from "./classifier-model";
import { triggerClassifierTraining } from "./classifier-jobs";
import { emitSafely } from "./emit";
import { classifierVersion, evaluate, evaluationBody, findClassifier, type Comparison } from "./evaluations";

/**
 * The gated retraining loop (opt-in: tenant setting `classifier_auto_retrain`). A run starts
 * when a retrain check recommends retraining: a classifier job with feedback (`training`);
 * when the trainer's completion reaches the api (index.ts hands each trainer callback here),
 * the candidate is evaluated against production on the held-out split (`evaluating`) and
 * deployed only if it meets the gate (`deployed`), else production stays and the run says why
 * (`kept`). Every step fires its webhook (training.* from the dispatcher, evaluation.completed
 * and model.deployed here). One run at a time per tenant.
 */
const OPEN = ["training", "evaluating"] as const;

const touch = (db: Db, id: string, set: Partial<RetrainRunRow>) =>
  db
    .update(retrainRuns)
    .set({ ...set, updatedAt: new Date().toISOString() })
    .where(eq(retrainRuns.id, id))
    .returning()
    .then((r) => r[0]!);

export async function startRetraining(
  env: ApiEnv,
  tenantId: string,
  createdBy: string,
  correlationId: string,
  logger: Logger,
): Promise<RetrainRunRow> {
  const db = getDb(env.DB);
  const [open] = await db
    .select()
    .from(retrainRuns)
    .where(and(eq(retrainRuns.tenantId, tenantId), inArray(retrainRuns.status, [...OPEN])));
  if (open) {
    // A step lost with its isolate (the forwarder's waitUntil) is taken here instead.
    if (open.status === "training" && open.trainingJobId) {
      return (await advanceRetraining(env, open.trainingJobId, logger, correlationId)) ?? open;
    }
    return open;
  }
  const now = new Date().toISOString();
  const production = await findClassifier(db, tenantId, undefined);
  const [run] = await db
    .insert(retrainRuns)
    .values({
      id: `run_${crypto.randomUUID().replace(/-/g, "")}`,
      tenantId,
      status: "training",
      productionVersion: production?.version ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  let job;
  try {
    job = await triggerClassifierTraining(
      env,
      tenantId,
      createdBy,
      { include_feedback: true, config: {} },
      correlationId,
      logger,
    );
  } catch (e) {
    const reason = e instanceof ApiError ? e.message : "the training job could not be created";
    return touch(db, run!.id, { status: "failed", reason });
  }
  if (job.status === "failed")
    return touch(db, run!.id, { status: "failed", trainingJobId: job.job_id, reason: `training failed: ${job.error}` });
  return touch(db, run!.id, { trainingJobId: job.job_id });
}

/** Takes the run of a finished job one step further; a job without a run, or not finished, changes nothing. */
export async function advanceRetraining(
  env: ApiEnv,
  jobId: string,
  logger: Logger,
  correlationId = crypto.randomUUID(),
): Promise<RetrainRunRow | undefined> {
  const db = getDb(env.DB);
  const [run] = await db
    .select()
    .from(retrainRuns)
    .where(and(eq(retrainRuns.trainingJobId, jobId), eq(retrainRuns.status, "training")));
  if (!run) return undefined;
  const [job] = await db
    .select()
    .from(trainingJobs)
    .where(and(eq(trainingJobs.id, jobId), eq(trainingJobs.tenantId, run.tenantId)));
  if (!job || job.status === "queued" || job.status === "running") return undefined;
  if (job.status !== "completed" || !job.modelVersion) {
    return touch(db, run.id, { status: "failed", reason: `training ${job.status}: ${job.error ?? "no version"}` });
  }
  // Only one caller moves a run out of `training` (a redelivered callback finds it moved).
  const [claimed] = await db
    .update(retrainRuns)
    .set({ status: "evaluating", candidateVersion: job.modelVersion, updatedAt: new Date().toISOString() })
    .where(and(eq(retrainRuns.id, run.id), eq(retrainRuns.status, "training")))
    .returning();
  if (!claimed) return undefined;
  try {
    const candidate = await classifierVersion(db, run.tenantId, job.modelVersion);
    if (candidate.isProduction) {
      return touch(db, run.id, {
        status: "deployed",
        reason: `${candidate.version} is the tenant's first classifier: deployed on registration`,
      });
    }
    const evaluation = await evaluate(env, db, run.tenantId, candidate, "holdout");
    const body = evaluationBody(evaluation, correlationId);
    await emitSafely(
      env,
      run.tenantId,
      "evaluation.completed",
      { ...body, retrain_run_id: run.id },
      correlationId,
      logger,
    );
    const cmp = body.comparison_with_production as Comparison | null;
    if (evaluation.status !== "completed" || !cmp) {
      return touch(db, run.id, {
        status: "failed",
        evaluationId: evaluation.id,
        reason: `evaluation failed: ${evaluation.error}`,
      });
    }
    const figures =
      `accuracy ${fmt(cmp.accuracy_diff)}, macro-F1 ${fmt(cmp.f1_diff)} against ${cmp.production_version ?? "no production"} ` +
      `on ${body.sample_count} held-out rows (gate: accuracy +${cmp.threshold} and F1 not lower)`;
    if (!cmp.meets_threshold) {
      return touch(db, run.id, {
        status: "kept",
        evaluationId: evaluation.id,
        reason: `kept ${cmp.production_version}: candidate ${candidate.version} ${figures}`,
      });
    }
    const deployed = await deployVersion(db, run.tenantId, candidate.version, "classifier");
    forgetProductionClassifier(run.tenantId);
    await emitSafely(
      env,
      run.tenantId,
      "model.deployed",
      {
        version: candidate.version,
        kind: "classifier",
        model_type: "classifier",
        previous_version: deployed.previousVersion,
        training_job_id: jobId,
        metrics: candidate.metrics,
        rollback: false,
        retrain_run_id: run.id,
      },
      correlationId,
      logger,
    );
    return touch(db, run.id, {
      status: "deployed",
      evaluationId: evaluation.id,
      reason: `deployed ${candidate.version}: ${figures}`,
    });
  } catch (e) {
    logger.error("Retraining step failed", { run_id: run.id, error: String(e) });
    return touch(db, run.id, {
      status: "failed",
      reason: `evaluation or deploy failed: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}

const fmt = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(3)}`;

export async function listRuns(db: Db, tenantId: string, limit = 20): Promise<RetrainRunRow[]> {
  return db
    .select()
    .from(retrainRuns)
    .where(eq(retrainRuns.tenantId, tenantId))
    .orderBy(desc(retrainRuns.createdAt))
    .limit(limit);
}

export const runBody = (r: RetrainRunRow) => ({
  run_id: r.id,
  status: r.status,
  training_job_id: r.trainingJobId,
  candidate_version: r.candidateVersion,
  production_version: r.productionVersion,
  evaluation_id: r.evaluationId,
  reason: r.reason,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});
