import type { RouteHandler } from "@hono/zod-openapi";
import { ApiError } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { experimentContext } from "../../experiments/services/apply";
import { shadowLater } from "../../experiments/services/passive-shadow";
import { withItemFields } from "../items/include-item";
import { servingContext } from "../services/context";
import { serveRecommendations } from "../services/serve-recommendations";
import type * as routes from "./recommendations.routes";

export const recommendForUser: RouteHandler<typeof routes.recommendForUser, AppEnv> = async (c) => {
  const { user_id: userId } = c.req.valid("param");
  const { k, include } = c.req.valid("query");
  const started = performance.now();
  const { ctx, served: variant } = await experimentContext(c, "recommend", userId);
  const served = await serveRecommendations(ctx, userId, {}, k, (p) => c.executionCtx.waitUntil(p));
  if (!variant) {
    const items = served.items.map((i) => ({ id: i.itemId, score: i.score, reason: i.reason }));
    shadowLater(
      c,
      { surface: "recommend", userId, k },
      { items, ms: performance.now() - started, version: served.modelVersion },
    );
  }
  c.set("usage", { recommendationsServed: served.items.length });
  c.header("X-Model-Version", served.modelVersion);
  c.header("X-Cache", served.cacheHit ? "HIT" : "MISS");
  if (served.cacheLayer) c.header("X-Cache-Layer", served.cacheLayer);
  const results = served.items.map((i) => ({ product_id: i.itemId, score: i.score, reason: i.reason }));
  if (!include) return c.json(results, 200);
  return c.json(await withItemFields(ctx.db, ctx.tenantId, results, (r) => r.product_id), 200);
};

export const publicRecommendations: RouteHandler<typeof routes.publicRecommendations, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const { include } = c.req.valid("query");
  const { ctx, served: variant } = await experimentContext(c, "recommend", body.user_id);
  const served = await serveRecommendations(ctx, body.user_id, body.filters ?? {}, body.count, (p) =>
    c.executionCtx.waitUntil(p),
  );
  c.set("usage", { recommendationsServed: served.items.length });
  const recommendations = served.items.map((i) => ({ item_id: i.itemId, score: i.score }));
  return c.json(
    {
      recommendations: include
        ? await withItemFields(ctx.db, ctx.tenantId, recommendations, (r) => r.item_id)
        : recommendations,
      metadata: {
        model_version: served.modelVersion,
        latency_ms: served.latencyMs,
        cache_hit: served.cacheHit,
        ...(variant ? { experiment: { experiment_id: variant.experimentId, variant: variant.variant } } : {}),
      },
    },
    200,
  );
};

export const internalRecommendations: RouteHandler<typeof routes.internalRecommendations, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const { include } = c.req.valid("query");
  const tenantId = c.get("principal").tenantId;
  if (body.tenant_id !== tenantId) {
    throw new ApiError("forbidden", "tenant_id does not match the credential's tenant", { field: "tenant_id" });
  }
  const ctx = servingContext(c.env, tenantId);
  const served = await serveRecommendations(
    ctx,
    body.user_id,
    body.filters ?? {},
    body.count,
    (p) => c.executionCtx.waitUntil(p),
    body.model_version,
  );
  c.set("usage", { recommendationsServed: served.items.length });
  const recommendations = served.items.map((i) => ({
    item_id: i.itemId,
    score: i.score,
    embedding_distance: i.distance,
    metadata: { category: i.category, created_at: i.createdAt },
  }));
  return c.json(
    {
      request_id: c.get("requestId"),
      recommendations: include
        ? await withItemFields(ctx.db, ctx.tenantId, recommendations, (r) => r.item_id)
        : recommendations,
      model_version: served.modelVersion,
      latency_ms: served.latencyMs,
      cache_hit: served.cacheHit,
    },
    200,
  );
};
