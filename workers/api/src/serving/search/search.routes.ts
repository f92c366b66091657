import { createRoute } from "@hono/zod-openapi";
import { ExplainQuery, IncludeQuery, RankingExplanation, SearchQuery, ServedProducts } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

export const search = createRoute({
  method: "get",
  path: "/search",
  tags: ["Search"],
  summary: "Hybrid search over the tenant's catalogue",
  description:
    "Keyword matches (BM25 over title, description, category, tags) and meaning matches (the query's vector among the items' text vectors) are scored on relevance, then blended with the user's affinity (when `user_id` has a history), popularity and freshness with the weights [search, cf, popularity, freshness] = [0.4, 0.3, 0.2, 0.1]. Relevance gates the other signals, so a popular item that does not answer the query cannot outrank one that does. `k` is 1..100 (default 10); `q` is 1..256 characters. An unknown `user_id` is served unpersonalized. `include=item` adds each result's `title` and `category`.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { query: SearchQuery.extend(IncludeQuery.shape) },
  responses: { 200: jsonContent(ServedProducts, "Best first"), ...errorResponses(400, 401, 403, 429) },
});

export const explain = createRoute({
  method: "get",
  path: "/search/explain",
  tags: ["Search"],
  summary: "Why a product ranks where it does for a query",
  description:
    "Runs the search ranking with the product among the candidates and reports its breakdown: final_score = sum of weights x breakdown, the same number /search serves for it. `rank` is its position among every scored candidate. Optional `user_id` personalizes as /search does.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { query: ExplainQuery },
  responses: {
    200: jsonContent(RankingExplanation, "The breakdown"),
    ...errorResponses(400, 401, 403, 404, 429),
  },
});
