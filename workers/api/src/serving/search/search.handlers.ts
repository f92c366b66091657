import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { experimentContext } from "../../experiments/services/apply";
import { shadowLater } from "../../experiments/services/passive-shadow";
import { servingContext } from "../services/context";
import { explainRanking } from "../services/explain-ranking";
import { withItemFields } from "../items/include-item";
import { serveSearch } from "../services/serve-search";
import type * as routes from "./search.routes";

export const search: RouteHandler<typeof routes.search, AppEnv> = async (c) => {
  const { q, user_id: userId, k, include } = c.req.valid("query");
  const started = performance.now();
  const { ctx, served: variant } = await experimentContext(c, "search", userId);
  const served = await serveSearch(ctx, q, k, userId, (p) => c.executionCtx.waitUntil(p));
  if (!variant) {
    const items = served.results.map((r) => ({ id: r.productId, score: r.score, reason: r.reason }));
    shadowLater(c, { surface: "search", query: q, userId, k }, { items, ms: performance.now() - started });
  }
  c.header("X-Cache", served.cacheHit ? "HIT" : "MISS");
  const results = served.results.map((r) => ({ product_id: r.productId, score: r.score, reason: r.reason }));
  if (!include) return c.json(results, 200);
  return c.json(await withItemFields(ctx.db, ctx.tenantId, results, (r) => r.product_id), 200);
};

export const explain: RouteHandler<typeof routes.explain, AppEnv> = async (c) => {
  const { q, product_id: productId, user_id: userId } = c.req.valid("query");
  const ctx = servingContext(c.env, c.get("principal").tenantId);
  return c.json(await explainRanking(ctx, productId, q, userId), 200);
};
