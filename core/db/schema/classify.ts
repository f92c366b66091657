/** The D1 schema of text classification: label sets, labelled uploads, predictions, feedback, evaluations. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { tenants } from "./access";

/** A tenant's own label set; no row means the contract's 41 categories (core/classify DEFAULT_CATEGORIES). */
export const classifierLabels = sqliteTable("classifier_labels", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  labels: text("labels", { mode: "json" }).$type<string[]>().notNull(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * One upload of labelled examples, stored once as a Parquet file at `r2_key`. The id is the
 * hash of the tenant and the accepted rows, so a retried upload finds its row and writes nothing.
 */
export const labelledUploads = sqliteTable(
  "labelled_uploads",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    r2Key: text("r2_key").notNull(),
    rowCount: integer("row_count").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    /** Rows per category, for the label-set checks of a training trigger. */
    categoryCounts: text("category_counts", { mode: "json" }).$type<Record<string, number>>().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("labelled_uploads_tenant_idx").on(t.tenantId, t.createdAt),
  ],
);

/** Every prediction served, with the model version that made it, so feedback and evaluation can join it. */
export const predictions = sqliteTable(
  "predictions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    modelVersion: text("model_version").notNull(),
    headline: text("headline").notNull(),
    shortDescription: text("short_description"),
    requestId: text("request_id"),
    batchId: text("batch_id"),
    category: text("category").notNull(),
    confidence: real("confidence").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("predictions_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** Feedback on a prediction: the prediction's category is kept beside it so stats need no join. */
export const feedback = sqliteTable(
  "feedback",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    predictionId: text("prediction_id")
      .notNull()
      .references(() => predictions.id, { onDelete: "cascade" }),
    feedbackType: text("feedback_type", { enum: ["correction", "confirmation", "rejection"] }).notNull(),
    predictedCategory: text("predicted_category").notNull(),
    /** The true category: the correction's, or the prediction's own for a confirmation; null for a rejection. */
    correctCategory: text("correct_category"),
    userId: text("user_id"),
    comment: text("comment"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    index("feedback_tenant_idx").on(t.tenantId, t.createdAt),
    index("feedback_prediction_idx").on(t.predictionId),
  ],
);

/** Evaluations of a classifier version; the confusion matrix is on R2 at `confusion_key`. */
export const evaluations = sqliteTable(
  "evaluations",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    version: text("version").notNull(),
    status: text("status", { enum: ["running", "completed", "failed"] }).notNull(),
    dataset: text("dataset", { enum: ["holdout", "feedback", "both"] }).notNull(),
    metrics: text("metrics", { mode: "json" })
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'`),
    confusionKey: text("confusion_key"),
    error: text("error"),
    createdAt: text("created_at").notNull(),
    completedAt: text("completed_at"),
  },
  (t) => [index("evaluations_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** What the gated retraining loop did and why (one row per run, newest last). */
export const retrainRuns = sqliteTable(
  "retrain_runs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["training", "evaluating", "deployed", "kept", "failed"] }).notNull(),
    trainingJobId: text("training_job_id"),
    candidateVersion: text("candidate_version"),
    productionVersion: text("production_version"),
    evaluationId: text("evaluation_id"),
    reason: text("reason"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("retrain_runs_tenant_idx").on(t.tenantId, t.createdAt),
    index("retrain_runs_job_idx").on(t.trainingJobId),
  ],
);

export type PredictionRow = typeof predictions.$inferSelect;
export type FeedbackRow = typeof feedback.$inferSelect;
export type EvaluationRow = typeof evaluations.$inferSelect;
export type RetrainRunRow = typeof retrainRuns.$inferSelect;
