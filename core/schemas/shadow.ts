import { z } from "@hono/zod-openapi";
import { UserId } from "./common";
import { MAX_QUERY_LENGTH } from "./serving";

const ModelVersion = z.string().min(1).max(128).openapi({ example: "v2.0.0" });
const K = z.number().int().min(1).max(100).default(10);

export const ShadowSearchRequest = z
  .object({
    query: z.string().trim().min(1, "query must not be empty").max(MAX_QUERY_LENGTH),
    user_id: UserId.optional(),
    k: K,
    model_version: ModelVersion,
  })
  .strict()
  .openapi("ShadowSearchRequest", {
    example: { query: "running shoes", user_id: "user_123", k: 10, model_version: "v2.0.0" },
  });

export const ShadowRecommendRequest = z
  .object({ user_id: UserId, k: K, model_version: ModelVersion })
  .strict()
  .openapi("ShadowRecommendRequest", { example: { user_id: "user_123", k: 10, model_version: "v2.0.0" } });

export const SHADOW_SURFACES = ["search", "recommend"] as const;

export const Challenger = z
  .object({
    surface: z.enum(SHADOW_SURFACES),
    model_version: ModelVersion,
    sample_rate: z
      .number()
      .gt(0)
      .max(1)
      .openapi({ description: "The share of live requests the challenger is scored on, after the response" }),
  })
  .strict()
  .openapi("ShadowChallenger", { example: { surface: "recommend", model_version: "v2.0.0", sample_rate: 0.1 } });

export const ChallengerList = z.object({ challengers: z.array(Challenger) }).openapi("ShadowChallengerList");

export const SurfaceParam = z.object({
  surface: z.enum(SHADOW_SURFACES).openapi({ param: { name: "surface", in: "path" } }),
});

export const ShadowReportQuery = z.object({
  model_version: ModelVersion.optional().openapi({ param: { name: "model_version", in: "query" } }),
  surface: z
    .enum(SHADOW_SURFACES)
    .optional()
    .openapi({ param: { name: "surface", in: "query" } }),
});

const Latency = z.object({ p50: z.number(), p95: z.number() });
export const ShadowReportRow = z.object({
  model_version: z.string(),
  surface: z.enum(SHADOW_SURFACES),
  comparisons: z.number().int(),
  passive: z.number().int(),
  candidate_latency_ms: Latency,
  production_latency_ms: Latency,
  error_rate: z.number(),
  overlap_at_k: z.number().nullable(),
  rbo: z.number().nullable(),
  score_shift: z.number().nullable(),
  top_item_differs: z
    .number()
    .nullable()
    .openapi({ description: "Share of compared requests whose first item differs" }),
});
export const ShadowReport = z.object({ challengers: z.array(ShadowReportRow) }).openapi("ShadowReport");
