import { encodeLabelledParquet, type StoredLabelledRow } from "@edge-ml/core/classify/rows";
import type { JobInputFile, JobInputs } from "@edge-ml/core/db/schema";
import type { z } from "@hono/zod-openapi";
import type { TrainClassifierRequest } from "@edge-ml/core/schemas";
import { getDb } from "../../lib/db";
import type { Logger } from "../../lib/logger";
import { failAtOnce, insertAndQueue, newCallbackSecret, type TrainingEnv } from "../../training/services/training-jobs";
import { labelledFeedback } from "./feedback";
import { labelSetOf } from "./labels";
import { uploadsOf } from "./labelled-uploads";

/**
 * POST /api/v1/model/train: a `classifier` job on the one jobs flow (queue, dispatcher, trainer,
 * callbacks, registry). Its inputs are fixed here: every labelled upload of the tenant and, with
 * `include_feedback`, the corrections and confirmations so far written as one more Parquet
 * file (source `feedback`); the dispatcher serves exactly those files to the trainer.
 * Data a classifier cannot learn from (none, or one class) fails the job at once with the reason.
 */
export type ClassifierTrigger = {
  job_id: string;
  status: "queued" | "failed";
  estimated_duration_minutes: number;
  error: string | null;
};

/** The head's default epochs when the request names none (the trainer reports its own count when it starts). */
export const DEFAULT_CLASSIFIER_EPOCHS = 10;

export const feedbackKey = (tenantId: string, jobId: string) =>
  `tenants/${tenantId}/classifier/feedback/${jobId}.parquet`;

export async function triggerClassifierTraining(
  env: TrainingEnv,
  tenantId: string,
  createdBy: string,
  body: z.infer<typeof TrainClassifierRequest>,
  correlationId: string,
  logger: Logger,
): Promise<ClassifierTrigger> {
  const db = getDb(env.DB);
  const now = new Date();
  const id = crypto.randomUUID();
  const labelSet = await labelSetOf(db, tenantId);
  const allowed = new Set(labelSet.labels);
  const uploads = await uploadsOf(db, tenantId);
  const files: JobInputFile[] = uploads.map((u) => ({
    name: `${u.id}.parquet`,
    key: u.r2Key,
    row_count: u.rowCount,
    size_bytes: u.sizeBytes,
  }));
  const classes = new Set<string>();
  for (const u of uploads)
    for (const [c, n] of Object.entries(u.categoryCounts)) if (n > 0 && allowed.has(c)) classes.add(c);

  if (body.include_feedback) {
    const rows: StoredLabelledRow[] = (await labelledFeedback(db, tenantId))
      .filter((r) => r.category !== null && allowed.has(r.category))
      .map((r) => ({
        example_id: r.id,
        headline: r.headline,
        ...(r.shortDescription ? { short_description: r.shortDescription } : {}),
        category: r.category!,
        source: "feedback" as const,
        created_at: r.createdAt,
      }));
    if (rows.length > 0) {
      const bytes = encodeLabelledParquet(rows);
      const key = feedbackKey(tenantId, id);
      await env.DATA.put(key, bytes, { httpMetadata: { contentType: "application/vnd.apache.parquet" } });
      files.push({ name: `feedback-${id}.parquet`, key, row_count: rows.length, size_bytes: bytes.byteLength });
      for (const r of rows) classes.add(r.category);
    }
  }

  const hyperparameters: Record<string, number> = { ...body.config };
  const inputs: JobInputs = { files, labels: labelSet.labels, include_feedback: body.include_feedback };
  const rows = files.reduce((n, f) => n + f.row_count, 0);
  const firstDay = (uploads[0]?.createdAt ?? now.toISOString()).slice(0, 10);
  const base = {
    tenantId,
    modelType: "classifier" as const,
    hyperparameters,
    dataRange: { start_date: firstDay, end_date: now.toISOString().slice(0, 10) },
    totalEpochs: body.config.epochs ?? DEFAULT_CLASSIFIER_EPOCHS,
    createdBy,
    warnings: [] as string[],
    inputs,
  };
  const refuse = (error: string) => failAtOnce(env, db, base, error, correlationId, logger);
  if (rows === 0) {
    return refuse(
      "no labelled data: upload labelled examples (POST /api/v1/model/training-data) or send corrections as feedback first",
    );
  }
  if (classes.size < 2) {
    return refuse(
      `the labelled data holds ${classes.size === 1 ? `one class only (${[...classes][0]})` : "no class of the label set"}: a classifier needs examples of at least two categories`,
    );
  }

  // 10k headlines train in a few seconds on the reference trainer; say a minute per 100k rows.
  const job = {
    ...base,
    id,
    callbackSecret: await newCallbackSecret(env, id),
    estimatedDurationMinutes: Math.max(1, Math.ceil(rows / 100_000)),
  };
  await insertAndQueue(env, job, now, logger);
  return { job_id: id, status: "queued", estimated_duration_minutes: job.estimatedDurationMinutes, error: null };
}
