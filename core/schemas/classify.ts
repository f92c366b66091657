import { z } from "@hono/zod-openapi";
import { MAX_CATEGORIES, MAX_CATEGORY_LENGTH, MAX_DESCRIPTION, MAX_HEADLINE } from "../classify/labels";
import { IsoDateTime } from "./common";

/**
 * Text classification (classifier-api.md): predictions, batches, feedback and its stats, the
 * tenant's label set and the labelled-examples upload. The field limits are core/classify's,
 * so the Worker, the trainer and these schemas agree.
 */

export const Headline = z
  .string({ error: "Headline is required and must be a non-empty string" })
  .max(MAX_HEADLINE, `Headline must be at most ${MAX_HEADLINE} characters`)
  .refine((s) => s.trim().length > 0, "Headline is required and must be a non-empty string")
  .openapi({ example: "Stock markets surge as inflation cools" });

export const ShortDescription = z
  .string({ error: "short_description must be a string" })
  .max(MAX_DESCRIPTION, `short_description must be at most ${MAX_DESCRIPTION} characters`)
  .openapi({ example: "Investors cheered the latest figures." });

export const LabelName = z
  .string({ error: "a category must be a string" })
  .trim()
  .min(1, "a category must not be empty")
  .max(MAX_CATEGORY_LENGTH, `a category must be at most ${MAX_CATEGORY_LENGTH} characters`);

export const PredictRequest = z
  .object({
    headline: Headline,
    short_description: ShortDescription.optional(),
    request_id: z.string().max(128, "request_id must be at most 128 characters").optional(),
    user_id: z
      .string()
      .min(1, "user_id must not be empty")
      .max(256, "user_id must be at most 256 characters")
      .optional()
      .openapi({
        description:
          "Beyond the contract: who the text is classified for. With a running experiment on the `predict` surface, the user's variant's `classifier_version` classifies (named in `experiment` and the X-Experiment-* headers)",
      }),
  })
  .openapi("PredictRequest");

export const CategoryScore = z.object({ category: z.string(), confidence: z.number() });

export const PredictResponse = z
  .object({
    prediction_id: z.string(),
    category: z.string(),
    confidence: z.number(),
    top_categories: z.array(CategoryScore),
    model_version: z.string(),
    processing_time_ms: z.number(),
    correlation_id: z.string(),
    request_id: z.string().nullable(),
    experiment: z
      .object({ experiment_id: z.string(), variant: z.string() })
      .optional()
      .openapi({ description: "Beyond the contract: the running experiment and variant that classified, if any" }),
  })
  .openapi("PredictResponse");

export const MAX_BATCH_ARTICLES = 100;

/** One article of a batch: validated on its own in the handler (PredictArticle), so one bad article fails alone. */
export const PredictArticle = z
  .object({
    id: z.string().max(128, "id must be at most 128 characters").optional(),
    headline: Headline,
    short_description: ShortDescription.optional(),
  })
  .openapi("PredictArticle");

export const BatchPredictRequest = z
  .object({
    articles: z
      .array(z.unknown(), { error: "articles must be an array of articles" })
      .min(1, "articles must hold at least one article")
      .max(MAX_BATCH_ARTICLES, `At most ${MAX_BATCH_ARTICLES} articles per batch; split the request`)
      .openapi({
        description:
          "Each `{ id?, headline, short_description? }` (PredictArticle), validated on its own: a bad article gets " +
          "`status: error` with its field, the others are classified.",
      }),
  })
  .openapi("BatchPredictRequest");

export const BatchResult = z.object({
  id: z.string().nullable(),
  status: z.enum(["success", "error"]),
  prediction_id: z.string().optional(),
  category: z.string().optional(),
  confidence: z.number().optional(),
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }).optional(),
});

export const BatchPredictResponse = z
  .object({
    batch_id: z.string(),
    results: z.array(BatchResult),
    model_version: z.string(),
    total_processing_time_ms: z.number(),
    correlation_id: z.string(),
  })
  .openapi("BatchPredictResponse");

export const FEEDBACK_TYPES = ["correction", "confirmation", "rejection"] as const;

export const FeedbackRequest = z
  .object({
    prediction_id: z.string({ error: "prediction_id is required" }).min(1).max(128),
    correct_category: LabelName.optional(),
    feedback_type: z.enum(FEEDBACK_TYPES, { error: `feedback_type must be one of ${FEEDBACK_TYPES.join(", ")}` }),
    user_id: z.string().max(128, "user_id must be at most 128 characters").optional(),
    comment: z.string().max(2000, "comment must be at most 2000 characters").optional(),
  })
  .openapi("FeedbackRequest");

export const FeedbackResponse = z
  .object({
    feedback_id: z.string(),
    prediction_id: z.string(),
    status: z.literal("recorded"),
    timestamp: IsoDateTime,
    correlation_id: z.string(),
  })
  .openapi("FeedbackResponse");

/** A date (`2024-01-15`, the whole UTC day) or a UTC date-time. */
const DateParam = (name: string) =>
  z
    .string()
    .regex(
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00))?$/,
      `${name} must be an ISO 8601 date or UTC date-time`,
    )
    .optional();

export const FeedbackStatsQuery = z.object({
  start_date: DateParam("start_date"),
  end_date: DateParam("end_date"),
  category: LabelName.optional().openapi({ description: "Only predictions of this (predicted) category" }),
});

export const FeedbackStats = z
  .object({
    period: z.object({ start: IsoDateTime, end: IsoDateTime }),
    total_predictions: z.number().int(),
    total_feedback: z.number().int(),
    feedback_rate: z.number(),
    accuracy_from_feedback: z.number().nullable(),
    corrections_by_category: z.record(z.string(), z.number().int()),
    feedback_by_type: z.record(z.string(), z.number().int()),
    correlation_id: z.string(),
  })
  .openapi("FeedbackStats");

export const LabelSet = z
  .object({
    labels: z.array(z.string()),
    is_default: z.boolean(),
    updated_at: IsoDateTime.nullable(),
    correlation_id: z.string(),
  })
  .openapi("LabelSet");

export const PutLabelsRequest = z
  .object({
    labels: z
      .array(LabelName, { error: "labels must be an array of category names" })
      .min(2, "a label set needs at least 2 categories")
      .max(MAX_CATEGORIES, `a label set holds at most ${MAX_CATEGORIES} categories`)
      .refine((l) => new Set(l).size === l.length, "labels must not repeat"),
  })
  .openapi("PutLabelsRequest");

export const LabelledUploadResult = z
  .object({
    upload_id: z.string(),
    accepted: z.number().int(),
    rejected: z.number().int(),
    validation_errors: z.array(z.object({ index: z.number().int(), field: z.string().optional(), error: z.string() })),
    stored: z.boolean().openapi({ description: "false: the same rows were uploaded before; nothing new was written" }),
    key: z.string().nullable(),
    correlation_id: z.string(),
  })
  .openapi("LabelledUploadResult");
