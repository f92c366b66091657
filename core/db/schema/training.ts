/** The D1 schema of training jobs and the model versions they register. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { JOB_MODEL_TYPES, JOB_STATUSES } from "../../schemas/model-types";
import { tenants } from "./access";

/** One labelled Parquet file of a classifier job: `name` is its path segment in the signed data URL. */
export type JobInputFile = { name: string; key: string; row_count: number; size_bytes: number };
export type JobInputs = { files: JobInputFile[]; labels: string[]; include_feedback: boolean };

/**
 * Training jobs (platform-api.md trigger, classifier-api.md status). `callback_secret` signs
 * the trainer's callbacks for this job only (HMAC-SHA256); `last_seq` rejects replayed
 * callbacks; `heartbeat_at` lets the dispatcher fail a job whose trainer went silent.
 */
export const trainingJobs = sqliteTable(
  "training_jobs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    modelType: text("model_type", { enum: JOB_MODEL_TYPES }).notNull(),
    status: text("status", { enum: JOB_STATUSES }).notNull().default("queued"),
    hyperparameters: text("hyperparameters", { mode: "json" }).$type<Record<string, number>>().notNull(),
    dataRange: text("data_range", { mode: "json" }).$type<{ start_date: string; end_date: string }>().notNull(),
    progress: real("progress").notNull().default(0),
    currentEpoch: integer("current_epoch").notNull().default(0),
    totalEpochs: integer("total_epochs").notNull(),
    metrics: text("metrics", { mode: "json" })
      .$type<Record<string, number>>()
      .notNull()
      .default(sql`'{}'`),
    /** Per-epoch metrics, for the training curve: [{ epoch, loss, ... }]. */
    history: text("history", { mode: "json" })
      .$type<Record<string, number>[]>()
      .notNull()
      .default(sql`'[]'`),
    error: text("error"),
    /**
     * A classifier job's inputs, fixed at trigger time: the labelled Parquet files the dispatcher
     * serves (R2 keys under the tenant's prefix) and the label set. Null for recommender jobs,
     * which read their data range from the catalogue.
     */
    inputs: text("inputs", { mode: "json" }).$type<JobInputs>(),
    /** Sentences about what the request gave and the job will not use (learning_rate with ALS). */
    warnings: text("warnings", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    callbackSecret: text("callback_secret").notNull(),
    lastSeq: integer("last_seq").notNull().default(0),
    dispatchAttempts: integer("dispatch_attempts").notNull().default(0),
    estimatedDurationMinutes: integer("estimated_duration_minutes").notNull(),
    modelVersion: text("model_version"),
    /**
     * An `auto` job's candidate (docs/decisions.md "auto across trainers"): the parent it
     * runs for. A candidate registers no version of its own; the parent keeps the best.
     */
    parentJobId: text("parent_job_id"),
    /** A candidate's search report, held until its parent registers the winner's. */
    tuning: text("tuning", { mode: "json" }).$type<Record<string, unknown>>(),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    startedAt: text("started_at"),
    heartbeatAt: text("heartbeat_at"),
    finishedAt: text("finished_at"),
  },
  (t) => [
    index("training_jobs_tenant_idx").on(t.tenantId, t.createdAt),
    index("training_jobs_status_idx").on(t.status, t.heartbeatAt),
    index("training_jobs_parent_idx").on(t.parentJobId),
  ],
);

/**
 * Model versions per tenant and kind. One `is_production` row per (tenant, kind) at most;
 * deploys switch it in one D1 batch, so serving sees the old version or the new, never
 * neither. Artifacts live in R2 under `artifact_prefix`.
 */
export const modelVersions = sqliteTable(
  "model_versions",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["recommender", "classifier"] }).notNull(),
    version: text("version").notNull(),
    modelType: text("model_type").notNull(),
    status: text("status", { enum: ["pending", "active", "archived"] })
      .notNull()
      .default("pending"),
    isProduction: integer("is_production", { mode: "boolean" }).notNull().default(false),
    metrics: text("metrics", { mode: "json" })
      .$type<Record<string, number>>()
      .notNull()
      .default(sql`'{}'`),
    trainingJobId: text("training_job_id"),
    /** How the hyperparameters were chosen (core/ml/tuning.ts TuningReport); null before self-tuning. */
    tuning: text("tuning", { mode: "json" }).$type<Record<string, unknown>>(),
    artifactPrefix: text("artifact_prefix").notNull(),
    createdAt: text("created_at").notNull(),
    deployedAt: text("deployed_at"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.kind, t.version] }),
    index("model_versions_tenant_idx").on(t.tenantId, t.kind, t.createdAt),
    // The database itself refuses two production versions of one kind.
    uniqueIndex("model_versions_production_unique")
      .on(t.tenantId, t.kind)
      .where(sql`is_production = 1`),
  ],
);

export type TrainingJobRow = typeof trainingJobs.$inferSelect;
export type ModelVersionRow = typeof modelVersions.$inferSelect;
