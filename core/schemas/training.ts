import { z } from "@hono/zod-openapi";
import { daysBetween, parseIsoDate, parseIsoDateOrDateTime, utcDayOf } from "../dates/parse";
import { IsoDateTime, paginationQuery, Uuid } from "./common";
import { hyperparameterIssues } from "./hyperparameters";
import { ALS_DEFAULTS } from "../ml/als";
import {
  DEFAULT_DATA_RANGE_DAYS,
  JOB_STATUSES,
  JobStatusSchema,
  JOB_MODEL_TYPES,
  MAX_DATA_RANGE_DAYS,
  MODEL_TYPES,
} from "./model-types";

/**
 * Training jobs: platform-api.md section 1 ("Trigger Model Training") and classifier-api.md
 * (GET /api/v1/model/train/{job_id}). The trigger validates everything here, so a job that
 * reaches the queue always has a runnable spec.
 */
// ---------------------------------------------------------------------------------------------
// Data range

const DAY_MS = 86_400_000;

/** The UTC calendar day (YYYY-MM-DD) of an ISO 8601 date or date-time; null when it is not a real date. */
export function utcDay(value: string): string | null {
  const ms = parseIsoDateOrDateTime(value);
  return ms === null ? null : utcDayOf(ms);
}

export { daysBetween };

/** The default range: the last DEFAULT_DATA_RANGE_DAYS UTC days, today included. */
export function defaultDataRange(now: Date): { start_date: string; end_date: string } {
  const end = utcDayOf(now.getTime());
  const start = utcDayOf(parseIsoDate(end)! - (DEFAULT_DATA_RANGE_DAYS - 1) * DAY_MS);
  return { start_date: start, end_date: end };
}

const DateBound = (name: string) =>
  z
    .string({ error: `${name} is required and must be an ISO 8601 date or date-time` })
    .refine(
      (s) => utcDay(s) !== null,
      `${name} must be an ISO 8601 date (2026-01-31) or date-time (2026-01-31T00:00:00Z)`,
    )
    .openapi({ example: name === "start_date" ? "2026-09-01" : "2026-11-30" });

export const DataRange = z
  .object({ start_date: DateBound("start_date"), end_date: DateBound("end_date") })
  .superRefine((r, ctx) => {
    const start = utcDay(r.start_date);
    const end = utcDay(r.end_date);
    if (!start || !end) return;
    if (start > end) {
      ctx.addIssue({ code: "custom", path: ["end_date"], message: "end_date must not be before start_date" });
    } else if (daysBetween(start, end) > MAX_DATA_RANGE_DAYS) {
      ctx.addIssue({
        code: "custom",
        path: ["end_date"],
        message: `data_range may span at most ${MAX_DATA_RANGE_DAYS} days, got ${daysBetween(start, end)}`,
      });
    }
  })
  .openapi("DataRange", {
    description:
      "Inclusive whole UTC days (the training data is partitioned by day): a date-time bound counts its whole UTC day. " +
      `At most ${MAX_DATA_RANGE_DAYS} days; default: the last ${DEFAULT_DATA_RANGE_DAYS} days, today included.`,
  });

// ---------------------------------------------------------------------------------------------
// Trigger (platform-api.md section 1)

const Hyperparameters = z
  .record(z.string(), z.number({ error: "a hyperparameter must be a number" }))
  .default({})
  .openapi({
    description:
      "matrix_factorization (implicit ALS): factors 1..512 (alias embedding_dim), iterations 1..100 (alias epochs), " +
      "regularization > 0, alpha >= 0, frequency_scaling 0..1, cg_steps 0..64, seed uint32. factors, regularization, " +
      "alpha and frequency_scaling that are not given are chosen by the trainer on a validation split (the search and " +
      `its scores are returned with the version as \`tuning\`); iterations, cg_steps and seed default to ${ALS_DEFAULTS.iterations}, ` +
      `${ALS_DEFAULTS.cgSteps}, ${ALS_DEFAULTS.seed}. learning_rate and batch_size are accepted for ALS and reported as unused in ` +
      "the job's `warnings` (ALS has no step size). item_to_item: neighbours 1..200 (default 50), lambda > 0 (EASE) or " +
      "shrink >= 0 (item-kNN), searched when not given. auto: both sets. two_tower and gnn: embedding_dim, epochs, " +
      "learning_rate, batch_size.",
    example: { embedding_dim: 64, epochs: 15, regularization: 50, alpha: 2 },
  });

export const TrainingConfig = z
  .object({
    model_type: z.enum(MODEL_TYPES, { error: `model_type must be one of ${MODEL_TYPES.join(", ")}` }).openapi({
      description:
        "matrix_factorization (implicit ALS), and beyond the contract item_to_item (EASE up to 2,000 items, cosine item-kNN " +
        "above, up to 50,000 items) and auto (trains both, keeps the best on validation; the version takes the winner's " +
        "model_type). two_tower and gnn jobs are created and fail at once (the GPU trainer is not built yet).",
    }),
    hyperparameters: Hyperparameters,
    data_range: DataRange.optional(),
  })
  .superRefine((cfg, ctx) => {
    for (const issue of hyperparameterIssues(cfg.model_type, cfg.hyperparameters)) {
      ctx.addIssue({ code: "custom", path: ["hyperparameters", issue.field], message: issue.message });
    }
  });

export const TriggerTrainingRequest = z
  .object({ tenant_id: Uuid, training_config: TrainingConfig })
  .openapi("TriggerTrainingRequest", {
    example: {
      tenant_id: "3f6c2a9e-8d1b-4c7a-9e2f-5b8d0a1c4e7f",
      training_config: {
        model_type: "matrix_factorization",
        hyperparameters: { embedding_dim: 64, epochs: 15 },
        data_range: { start_date: "2026-09-01", end_date: "2026-11-30" },
      },
    },
  });
export type TriggerTrainingInput = z.infer<typeof TriggerTrainingRequest>;

/** Sentences about the request that did not stop it (a hyperparameter the model type does not use). */
export const JobWarnings = z.array(z.string()).openapi({
  description: "What the job accepted but will not use, one sentence each (e.g. learning_rate with ALS)",
});

export const TriggerTrainingResponse = z
  .object({
    job_id: z.string(),
    status: JobStatusSchema.openapi({ description: "`queued`, or `failed` when the job cannot run (see `error`)" }),
    estimated_duration_minutes: z.number().int(),
    error: z.string().nullable().openapi({ description: "Why the job failed at once; null when queued" }),
    warnings: JobWarnings,
  })
  .openapi("TriggerTrainingResponse", {
    example: {
      job_id: "5d0c6f0e-2b7a-4f7e-9a51-0c3e8e1b9d42",
      status: "queued",
      estimated_duration_minutes: 1,
      error: null,
      warnings: [],
    },
  });

// ---------------------------------------------------------------------------------------------
// Job status (classifier-api.md GET /api/v1/model/train/{job_id}, plus additive fields)

export const TrainingJobStatus = z
  .object({
    training_job_id: z.string(),
    status: JobStatusSchema,
    progress: z.number().openapi({ description: "0..1" }),
    current_epoch: z.number().int(),
    total_epochs: z.number().int(),
    metrics: z.record(z.string(), z.number()).openapi({ description: "Latest metrics the trainer reported" }),
    started_at: IsoDateTime.nullable(),
    estimated_completion: IsoDateTime.nullable().openapi({
      description:
        "running: extrapolated from progress (or started_at + the estimate before the first epoch); finished: finished_at; queued: null",
    }),
    correlation_id: z.string(),
    model_type: z.enum(JOB_MODEL_TYPES),
    hyperparameters: z.record(z.string(), z.number()),
    data_range: z.object({ start_date: z.string(), end_date: z.string() }),
    history: z
      .array(z.record(z.string(), z.number()))
      .openapi({ description: "Per-epoch metrics ({ epoch, loss, ... }), for training curves" }),
    error: z.string().nullable(),
    model_version: z.string().nullable().openapi({ description: "The version registered by a completed job" }),
    estimated_duration_minutes: z.number().int(),
    created_at: IsoDateTime,
    finished_at: IsoDateTime.nullable(),
    warnings: JobWarnings,
  })
  .openapi("TrainingJobStatus", {
    example: {
      training_job_id: "5d0c6f0e-2b7a-4f7e-9a51-0c3e8e1b9d42",
      status: "running",
      progress: 0.4,
      current_epoch: 6,
      total_epochs: 15,
      metrics: { loss: 1234.5, seconds: 0.87 },
      started_at: "2026-11-30T10:00:00.000Z",
      estimated_completion: "2026-11-30T10:00:13.000Z",
      correlation_id: "corr_yza567",
      model_type: "matrix_factorization",
      hyperparameters: { factors: 64, iterations: 15, regularization: 50, alpha: 2, cg_steps: 3, seed: 42 },
      data_range: { start_date: "2026-09-01", end_date: "2026-11-30" },
      history: [{ epoch: 1, loss: 2000.1, seconds: 0.9 }],
      error: null,
      model_version: null,
      estimated_duration_minutes: 1,
      created_at: "2026-11-30T09:59:58.000Z",
      finished_at: null,
      warnings: [],
    },
  });

/** GET /api/v1/model/train (beyond the contract): the tenant's jobs of both kinds, newest first (the console's list). */
export const ListJobsQuery = paginationQuery(10).extend({
  status: JobStatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
});

export const TrainingJobList = z
  .object({
    jobs: z.array(TrainingJobStatus),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi("TrainingJobList");

export const JobIdParam = z.object({
  job_id: z.uuid({ error: "job_id must be a UUID" }).openapi({ param: { name: "job_id", in: "path" } }),
});

// ---------------------------------------------------------------------------------------------
// Queue messages (api -> workers/trainer-dispatch): defined once in core/training/messages.ts

export type { TrainingJobMessage, TrainingQueueMessage } from "../training/messages";
