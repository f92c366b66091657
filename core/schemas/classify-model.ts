import { z } from "@hono/zod-openapi";
import { IsoDateTime, paginationQuery } from "./common";
import { JobStatusSchema } from "./model-types";

/** Classifier training, evaluation and retrain checks (classifier-api.md "Model management", "Evaluation"). */

/**
 * The deploy gate (docs/decisions.md "Text classification"): a candidate meets it when, on the
 * same evaluation rows, its accuracy beats production's by at least this much and its macro-F1
 * is not lower.
 */
export const DEPLOY_THRESHOLD = 0.01;
/**
 * The held-out split of a tenant's uploaded rows: core/classify splitStratified(rows, share, seed),
 * keyed by example_id, so the trainer (which trains on the rest) and the evaluation route agree.
 */
export const CLASSIFIER_HOLDOUT = { share: 0.2, seed: 16 } as const;
/** Retrain check: feedback accuracy below this recommends retraining. */
export const RETRAIN_ACCURACY_THRESHOLD = 0.75;
/** Retrain check: feedback accuracy is judged only on at least this many feedback rows. */
export const RETRAIN_MIN_FEEDBACK = 20;
/** Retrain check: this many corrections in the last 7 days recommend retraining. */
export const RETRAIN_MIN_CORRECTIONS = 100;

export const TrainClassifierRequest = z
  .object({
    include_feedback: z.boolean({ error: "include_feedback must be a boolean" }).default(true),
    config: z
      .object({
        epochs: z
          .number()
          .int("epochs must be an integer")
          .min(1, "epochs must be at least 1")
          .max(200, "epochs must be at most 200")
          .optional(),
        batch_size: z
          .number()
          .int("batch_size must be an integer")
          .min(1, "batch_size must be at least 1")
          .max(4096, "batch_size must be at most 4096")
          .optional(),
        learning_rate: z
          .number()
          .gt(0, "learning_rate must be positive")
          .max(10, "learning_rate must be at most 10")
          .optional(),
      })
      .strict()
      .default({}),
    description: z.string().max(500, "description must be at most 500 characters").optional(),
  })
  .openapi("TrainClassifierRequest");

export const TrainClassifierResponse = z
  .object({
    training_job_id: z.string(),
    status: JobStatusSchema,
    estimated_duration_minutes: z.number().int(),
    message: z.string(),
    error: z.string().nullable(),
    correlation_id: z.string(),
  })
  .openapi("TrainClassifierResponse");

export const EVAL_SOURCES = ["holdout", "feedback", "both"] as const;

export const EvaluateRequest = z
  .object({
    version: z.string().min(1).max(128).optional().openapi({ description: "Default: the production classifier" }),
    test_data_source: z
      .enum(EVAL_SOURCES, { error: `test_data_source must be one of ${EVAL_SOURCES.join(", ")}` })
      .default("holdout"),
    include_feedback_data: z.boolean().optional().openapi({ description: "true with holdout: the same as both" }),
  })
  .openapi("EvaluateRequest");

export const EvaluateAccepted = z
  .object({
    evaluation_id: z.string(),
    version: z.string(),
    status: z.enum(["running", "completed", "failed"]),
    message: z.string(),
    correlation_id: z.string(),
  })
  .openapi("EvaluateAccepted");

export const EvaluationIdParam = z.object({
  evaluation_id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "evaluation_id", in: "path" } }),
});

export const EvaluationResult = z
  .object({
    evaluation_id: z.string(),
    version: z.string(),
    status: z.enum(["running", "completed", "failed"]),
    test_data_source: z.enum(EVAL_SOURCES),
    sample_count: z.number().int().nullable(),
    metrics: z
      .object({
        accuracy: z.number(),
        precision: z.number(),
        recall: z.number(),
        f1_score: z.number(),
        confusion_matrix: z
          .string()
          .openapi({ description: "Where the confusion matrix is (GET it with the same credential)" }),
      })
      .nullable(),
    category_metrics: z.record(
      z.string(),
      z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() }),
    ),
    comparison_with_production: z
      .object({
        production_version: z.string().nullable(),
        accuracy_diff: z.number(),
        f1_diff: z.number(),
        recommendation: z.enum(["deploy", "keep_production"]),
        meets_threshold: z.boolean(),
        threshold: z.number(),
      })
      .nullable(),
    error: z.string().nullable(),
    completed_at: IsoDateTime.nullable(),
    correlation_id: z.string(),
  })
  .openapi("EvaluationResult");

/** GET /api/v1/model/evaluate (beyond the contract): the tenant's evaluations, newest first (the console's latest matrix). */
export const ListEvaluationsQuery = paginationQuery(10);

export const EvaluationList = z
  .object({
    evaluations: z.array(EvaluationResult),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    correlation_id: z.string(),
  })
  .openapi("EvaluationList");

export const ConfusionMatrix = z
  .object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number().int())) })
  .openapi("ConfusionMatrix");

export const RetrainCheckResponse = z
  .object({
    needs_retraining: z.boolean(),
    reasons: z.array(z.string()),
    current_metrics: z.object({
      feedback_accuracy: z.number().nullable(),
      production_accuracy: z.number().nullable(),
      correction_rate: z.number(),
    }),
    recommendation: z.enum(["trigger_retraining", "no_action"]),
    last_check: IsoDateTime,
    retraining: z
      .object({ run_id: z.string(), training_job_id: z.string().nullable(), status: z.string() })
      .nullable()
      .openapi({
        description: "The loop run started by this check (tenant setting classifier_auto_retrain), else null",
      }),
    correlation_id: z.string(),
  })
  .openapi("RetrainCheckResponse");

export const RetrainRun = z
  .object({
    run_id: z.string(),
    status: z.enum(["training", "evaluating", "deployed", "kept", "failed"]),
    training_job_id: z.string().nullable(),
    candidate_version: z.string().nullable(),
    production_version: z.string().nullable(),
    evaluation_id: z.string().nullable(),
    reason: z.string().nullable(),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  })
  .openapi("RetrainRun");

export const RetrainRunList = z
  .object({ runs: z.array(RetrainRun), correlation_id: z.string() })
  .openapi("RetrainRunList");
