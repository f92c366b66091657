import { createRoute, z } from "@hono/zod-openapi";
import { DebugRankingQuery, ItemId, RankingExplanation } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

export const debugRanking = createRoute({
  method: "get",
  path: "/debug/ranking/{product_id}",
  tags: ["Search"],
  summary: "Ranking breakdown of a product, for a query or a user's recommendations (admin)",
  description:
    "With `query`: the search ranking's breakdown, as /search/explain (personalized by `user_id` when given). Without `query`: the breakdown of the product in `user_id`'s recommendations, `rank` null when it is not served to that user (bought, disliked). The same ranking code as the served routes.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: {
    params: z.object({ product_id: ItemId.openapi({ param: { name: "product_id", in: "path" } }) }),
    query: DebugRankingQuery,
  },
  responses: {
    200: jsonContent(RankingExplanation, "The breakdown"),
    ...errorResponses(400, 401, 403, 404, 429),
  },
});
