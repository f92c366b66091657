import { z } from "@hono/zod-openapi";
import { IsoDateTime, paginationQuery } from "./common";
import { MODEL_KINDS, ModelKindSchema } from "./model-types";

// ---------------------------------------------------------------------------------------------
// Model registry (classifier-api.md GET /api/v1/model/versions, POST /api/v1/model/deploy/{version})

export const VERSION_STATUSES = ["pending", "active", "archived"] as const;

export const VersionParam = z.object({
  version: z
    .string()
    .min(1)
    .max(64, "version must be at most 64 characters")
    .regex(/^[A-Za-z0-9._-]+$/, "version may contain only letters, digits, dots, hyphens and underscores")
    .openapi({ param: { name: "version", in: "path" }, example: "v1.2.0" }),
});

export const ListVersionsQuery = paginationQuery(10).extend({
  status: z
    .enum(VERSION_STATUSES, { error: `status must be one of ${VERSION_STATUSES.join(", ")}` })
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
  kind: ModelKindSchema.optional().openapi({
    param: { name: "kind", in: "query" },
    description: "Default: every kind",
  }),
});

/** A trial's or the choice's settings: ALS's (factors, regularization, alpha, frequencyScaling, ...) or item_to_item's (algorithm, lambda or shrink, neighbours). */
const Settings = z.record(z.string(), z.union([z.number(), z.string()]));

/** How the version's hyperparameters were chosen (core/ml/tuning.ts TuningReport). */
export const Tuning = z
  .object({
    model_type: z.string().openapi({ description: "The family chosen (an `auto` job tries several)" }),
    chosen: Settings.openapi({ description: "The settings the model was fitted with" }),
    fixed: z.array(z.string()).openapi({ description: "Settings the trigger gave (not searched)" }),
    search_space: z.record(z.string(), z.array(z.union([z.number(), z.string()]))),
    trials: z
      .array(
        z.object({
          stage: z.number().int(),
          model_type: z.string(),
          params: Settings,
          ndcg_at_10: z.number(),
          recall_at_10: z.number(),
          seconds: z.number(),
        }),
      )
      .openapi({ description: "Every point tried, with its validation NDCG@10 and Recall@10" }),
    popularity: z.object({ ndcg_at_10: z.number(), recall_at_10: z.number() }).openapi({
      description: "The popularity baseline on the same validation users",
    }),
    best: z.object({ ndcg_at_10: z.number(), recall_at_10: z.number() }).nullable(),
    validation_users: z.number().int(),
    budget_seconds: z.number(),
    seconds: z.number(),
    verdict: z.enum(["beats_popularity", "below_popularity", "not_validated"]).openapi({
      description:
        "Validation against popularity: only `beats_popularity` versions are deployed by the bootstrap or any automation",
    }),
    note: z.string().optional(),
  })
  .openapi("Tuning");

export const ModelVersion = z
  .object({
    version: z.string(),
    status: z.enum(VERSION_STATUSES),
    created_at: IsoDateTime,
    metrics: z.record(z.string(), z.number()),
    training_job_id: z.string().nullable(),
    is_production: z.boolean(),
    kind: z.enum(MODEL_KINDS),
    model_type: z.string(),
    deployed_at: IsoDateTime.nullable(),
    tuning: Tuning.nullable().openapi({
      description: "How the hyperparameters were chosen on validation (null for versions trained before self-tuning)",
    }),
  })
  .openapi("ModelVersion");

export const ModelVersionList = z
  .object({
    versions: z.array(ModelVersion),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    correlation_id: z.string(),
  })
  .openapi("ModelVersionList", {
    example: {
      versions: [
        {
          version: "v2",
          status: "active",
          created_at: "2026-11-30T10:00:13.000Z",
          metrics: { recall_at_10: 0.346, ndcg_at_10: 0.404 },
          training_job_id: "5d0c6f0e-2b7a-4f7e-9a51-0c3e8e1b9d42",
          is_production: true,
          kind: "recommender",
          model_type: "matrix_factorization",
          deployed_at: "2026-11-30T10:05:00.000Z",
          tuning: null,
        },
      ],
      total: 1,
      limit: 10,
      offset: 0,
      correlation_id: "corr_bcd890",
    },
  });

export const DeployRequest = z
  .object({
    kind: ModelKindSchema.optional().openapi({
      description: "Needed only when the version name exists in both kinds",
    }),
  })
  .openapi("DeployRequest");

export const RollbackRequest = z.object({ kind: ModelKindSchema.default("recommender") }).openapi("RollbackRequest");

export const DeployResponse = z
  .object({
    version: z.string(),
    status: z.enum(VERSION_STATUSES).openapi({ description: "`active`: the switch is done when this answers" }),
    message: z.string(),
    previous_version: z.string().nullable(),
    correlation_id: z.string(),
    kind: z.enum(MODEL_KINDS),
    deployed_at: IsoDateTime.nullable(),
  })
  .openapi("DeployResponse", {
    example: {
      version: "v2",
      status: "active",
      message: "v2 is now the production recommender (was v1)",
      previous_version: "v1",
      correlation_id: "corr_efg123",
      kind: "recommender",
      deployed_at: "2026-11-30T10:05:00.000Z",
    },
  });
