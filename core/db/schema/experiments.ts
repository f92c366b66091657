/** The D1 schema of experiments (A/B tests) and shadow comparisons. */
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { tenants } from "./access";

/** A variant's configuration: what serving changes for its users. */
export type VariantConfigRow = {
  ranking_weights?: [number, number, number, number];
  /** A recommender version of model_versions (kind recommender). */
  model_version?: string;
  /** A classifier version of model_versions (kind classifier), for /api/v1/predict. */
  classifier_version?: string;
};

/**
 * Experiments per tenant. `variant_order` fixes the layout of the bucket ranges (the split
 * in that order), `split_history` keeps every earlier split so serving knows which users a
 * change could have moved (core/experiments/assignment.ts); `range_start`/`range_end` are
 * the experiment's disjoint share of its namespace. Aggregates live in the experiment's
 * Durable Object, not here.
 */
export const experiments = sqliteTable(
  "experiments",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    status: text("status", { enum: ["running", "paused", "completed"] }).notNull(),
    variantOrder: text("variant_order", { mode: "json" }).$type<string[]>().notNull(),
    variants: text("variants", { mode: "json" }).$type<Record<string, { config: VariantConfigRow }>>().notNull(),
    control: text("control").notNull(),
    trafficSplit: text("traffic_split", { mode: "json" }).$type<Record<string, number>>().notNull(),
    splitHistory: text("split_history", { mode: "json" }).$type<number[][]>().notNull(),
    metrics: text("metrics", { mode: "json" }).$type<string[]>().notNull(),
    surfaces: text("surfaces", { mode: "json" }).$type<string[]>().notNull(),
    namespace: text("namespace").notNull(),
    rangeStart: real("range_start").notNull(),
    rangeEnd: real("range_end").notNull(),
    seed: text("seed").notNull(),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    completedAt: text("completed_at"),
  },
  (t) => [index("experiments_tenant_idx").on(t.tenantId, t.status, t.namespace)],
);

/**
 * Passive shadowing: per tenant and surface, a challenger recommender version scored on a
 * sampled share of live traffic after the response (ctx.waitUntil).
 */
export const shadowChallengers = sqliteTable(
  "shadow_challengers",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    surface: text("surface", { enum: ["search", "recommend"] }).notNull(),
    modelVersion: text("model_version").notNull(),
    sampleRate: real("sample_rate").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("shadow_challengers_tenant_idx").on(t.tenantId, t.surface)],
);

/** One comparison of a candidate with production on the same input (admin shadow routes and passive shadowing). */
export const shadowComparisons = sqliteTable(
  "shadow_comparisons",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    surface: text("surface", { enum: ["search", "recommend"] }).notNull(),
    mode: text("mode", { enum: ["active", "passive"] }).notNull(),
    modelVersion: text("model_version").notNull(),
    productionVersion: text("production_version").notNull(),
    k: integer("k").notNull(),
    productionMs: real("production_ms").notNull(),
    candidateMs: real("candidate_ms").notNull(),
    error: text("error"),
    overlapAtK: real("overlap_at_k"),
    rbo: real("rbo"),
    /** Mean candidate score minus mean production score over the items both ranked. */
    scoreShift: real("score_shift"),
    topDiffers: integer("top_differs", { mode: "boolean" }),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("shadow_comparisons_tenant_idx").on(t.tenantId, t.modelVersion, t.createdAt)],
);

export type ExperimentRow = typeof experiments.$inferSelect;
export type ShadowComparisonRow = typeof shadowComparisons.$inferSelect;
