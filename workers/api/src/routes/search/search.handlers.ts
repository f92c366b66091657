import type { RouteHandler } from "@hono/zod-openapi";
import { explanationSentence } from "@edge-ml/core/ranking/explain";
import type { AppEnv } from "../../env";
import { deployedRecommender, servingContext } from "../../services/serving/context";
import { explainRanking } from "../../services/serving/explain-ranking";
import { searchRanking } from "../../services/serving/search-ranking";
import type * as routes from "./search.routes";

export const search: RouteHandler<typeof routes.search, AppEnv> = async (c) => {
  const { q, user_id: userId, k } = c.req.valid("query");
  const ctx = servingContext(c.env, c.get("principal").tenantId);
  const model = userId ? await deployedRecommender(ctx) : undefined;
  const { ranked } = await searchRanking(ctx, q, userId ? { userId, model } : {});
  // Candidates with no relevance at all (far vector neighbours) are not search results.
  const results = ranked.filter((r) => r.breakdown.search_score > 0).slice(0, k);
  return c.json(
    results.map((r) => ({
      product_id: r.id,
      score: r.score,
      reason: explanationSentence(r, { exactTitle: r.exactTitle, keyword: r.keyword }),
    })),
    200,
  );
};

export const explain: RouteHandler<typeof routes.explain, AppEnv> = async (c) => {
  const { q, product_id: productId, user_id: userId } = c.req.valid("query");
  const ctx = servingContext(c.env, c.get("principal").tenantId);
  return c.json(await explainRanking(ctx, productId, q, userId), 200);
};
