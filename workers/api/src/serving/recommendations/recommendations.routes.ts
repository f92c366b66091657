import { createRoute, z } from "@hono/zod-openapi";
import {
  IncludeQuery,
  InternalRecommendationsRequest,
  InternalRecommendationsResponse,
  PublicRecommendationsRequest,
  PublicRecommendationsResponse,
  RecommendQuery,
  ServedProducts,
  UserId,
} from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const HOW =
  "One recommender serves every recommendation route: candidates from the user's vector (the weighted mean of their recent items' vectors until a trained model exists), the neighbours of the items they last showed interest in, and the tenant's most popular items (all a new user gets); items they bought or disliked are removed; affinity, popularity and freshness are blended with the weights [cf, popularity, freshness] = [0.3, 0.2, 0.1] rescaled to sum to 1. `include=item` adds each result's `title` and `category`. Results are cached until the user's next interaction lands or the model version changes: per isolate, and each user's unfiltered list is also ranked in the background when their events land and stored, so their next request from anywhere is served without ranking.";

export const recommendForUser = createRoute({
  method: "get",
  path: "/recommend/{user_id}",
  tags: ["Recommendations"],
  summary: "Top-k recommendations for a user (search-recommend-api.md)",
  description: `${HOW} \`k\` is 1..100 (default 10). An unknown user gets the cold-start list, not an error.`,
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: {
    params: z.object({ user_id: UserId.openapi({ param: { name: "user_id", in: "path" } }) }),
    query: RecommendQuery.extend(IncludeQuery.shape),
  },
  responses: {
    200: {
      ...jsonContent(ServedProducts, "Best first"),
      headers: {
        "X-Model-Version": { description: "The model version that ranked the list", schema: { type: "string" } },
        "X-Cache": {
          description: "HIT when the list came from a cache, MISS when it was ranked",
          schema: { type: "string", enum: ["HIT", "MISS"] },
        },
        "X-Cache-Layer": {
          description: "On a HIT, which cache: this isolate's, or the user's stored list",
          schema: { type: "string", enum: ["isolate", "stored"] },
        },
      },
    },
    ...errorResponses(400, 401, 403, 429),
  },
});

export const publicRecommendations = createRoute({
  method: "post",
  path: "/api/v1/recommendations",
  tags: ["Recommendations"],
  summary: "Recommendations with filters (public REST API)",
  description: `${HOW} \`count\` is 1..100 (default 10); \`filters.categories\` keeps those categories, \`filters.min_score\` drops lower scores (0..1), \`filters.exclude_ids\` (up to 500) are never returned. Filters that match nothing give an empty list.`,
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { query: IncludeQuery, body: jsonBody(PublicRecommendationsRequest) },
  responses: {
    200: jsonContent(PublicRecommendationsResponse, "Best first"),
    ...errorResponses(400, 401, 403, 413, 415, 429),
  },
});

export const internalRecommendations = createRoute({
  method: "post",
  path: "/internal/ml/recommendations",
  tags: ["Recommendations"],
  summary: "Recommendations (ML engine contract)",
  description: `${HOW} \`tenant_id\` must be the credential's tenant (403 otherwise). \`embedding_distance\` is the cosine distance between the user's and the item's vectors (null for a cold user). A \`model_version\` other than the serving one is refused with 400.`,
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { query: IncludeQuery, body: jsonBody(InternalRecommendationsRequest) },
  responses: {
    200: jsonContent(InternalRecommendationsResponse, "Best first"),
    ...errorResponses(400, 401, 403, 413, 415, 429),
  },
});
