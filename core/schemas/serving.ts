import { z } from "@hono/zod-openapi";
import { Category, IsoDateTime, ItemId, UserId, Uuid } from "./common";

/**
 * Search, recommendations and ranking explanations (search-recommend-api.md, and
 * platform-api.md sections 1 and 5). Bounds are documented here once and enforced by
 * these schemas.
 */
export const MAX_QUERY_LENGTH = 256;
export const MAX_RESULTS = 100;
export const DEFAULT_RESULTS = 10;
export const MAX_EXCLUDE_IDS = 500;
export const MAX_FILTER_CATEGORIES = 50;

/**
 * A user's stored recommendation list (workers/api/src/serving/services/stored-lists.ts):
 * its best STORED_LIST_SIZE items, served for at most STORED_LIST_MAX_AGE_MS; the ingest
 * worker's housekeeping deletes older lists.
 */
export const STORED_LIST_SIZE = 50;
export const STORED_LIST_MAX_AGE_MS = 10 * 60_000;

const queryText = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .trim()
    .min(1, `${name} must not be empty`)
    .max(MAX_QUERY_LENGTH, `${name} must be at most ${MAX_QUERY_LENGTH} characters`)
    .openapi({ param: { name, in: "query" }, example: "running shoes" });

const resultCount = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(1, `${name} must be at least 1`)
    .max(MAX_RESULTS, `${name} must be at most ${MAX_RESULTS}`)
    .default(DEFAULT_RESULTS);

export const SearchQuery = z.object({
  q: queryText("q"),
  user_id: UserId.optional().openapi({ param: { name: "user_id", in: "query" } }),
  k: resultCount("k").openapi({ param: { name: "k", in: "query" }, example: 10 }),
});

export const RecommendQuery = z.object({
  k: resultCount("k").openapi({ param: { name: "k", in: "query" }, example: 10 }),
});

/** search-recommend-api.md: the response of /search and /recommend/{user_id}. */
export const RankedProduct = z
  .object({
    product_id: z.string(),
    score: z.number(),
    reason: z.string().optional().openapi({ example: "Exact title match + popular" }),
  })
  .openapi("RankedProduct");
export const RankedProducts = z.array(RankedProduct).openapi("RankedProducts");

/**
 * `include=item` on the search and recommendation routes: adds the item's title and
 * category to each result. Opt-in, so the contracts' default shapes stay as written (extra
 * fields are allowed by them); one value today, a list keyword so more can join it.
 */
export const INCLUDE_VALUES = ["item"] as const;
export const IncludeQuery = z.object({
  include: z
    .enum(INCLUDE_VALUES, { error: `include must be one of ${INCLUDE_VALUES.join(", ")}` })
    .optional()
    .openapi({
      param: { name: "include", in: "query" },
      description: "`item`: each result also carries its item's `title` and `category`",
      example: "item",
    }),
});

/** The fields `include=item` adds to a result; absent without it (and for an item deleted since it was ranked). */
export const IncludedItemFields = {
  title: z.string().optional().openapi({ description: "With `include=item`: the item's title" }),
  category: z
    .string()
    .nullable()
    .optional()
    .openapi({ description: "With `include=item`: the item's category (null when it has none)" }),
};

/** RankedProduct as /search and /recommend/{user_id} serve it: with the item's fields on `include=item`. */
export const ServedProduct = RankedProduct.extend(IncludedItemFields).openapi("ServedProduct");
export const ServedProducts = z.array(ServedProduct).openapi("ServedProducts");

export const ExplainQuery = z.object({
  q: queryText("q"),
  product_id: ItemId.openapi({ param: { name: "product_id", in: "query" } }),
  user_id: UserId.optional().openapi({ param: { name: "user_id", in: "query" } }),
});

export const DebugRankingQuery = z.object({
  query: queryText("query").optional(),
  user_id: UserId.optional().openapi({ param: { name: "user_id", in: "query" } }),
});

export const RankingExplanation = z
  .object({
    product_id: z.string(),
    query: z.string().nullable().openapi({ description: "null when explaining a recommendation (no query)" }),
    user_id: z.string().nullable(),
    final_score: z.number(),
    breakdown: z.object({
      search_score: z.number(),
      cf_score: z.number(),
      popularity_score: z.number(),
      freshness_score: z.number(),
    }),
    weights: z
      .array(z.number())
      .length(4)
      .openapi({
        description:
          "Effective [search, cf, popularity, freshness] weights: a signal the request lacks (no query, no user signal) gets 0 and the rest are rescaled to sum to 1. final_score = sum of weights x breakdown.",
        example: [0.4, 0.3, 0.2, 0.1],
      }),
    explanation: z.string(),
    rank: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "1-based position among every candidate scored for the request; null if filtered out" }),
    model_version: z.string(),
  })
  .openapi("RankingExplanation");

const DeviceType = z.enum(["mobile", "desktop", "tablet"], {
  error: "context.device_type must be one of mobile, desktop, tablet",
});

export const RecommendationContext = z
  .object({
    device_type: DeviceType.optional(),
    location: z.string().max(128).optional(),
    session_id: z.string().max(128).optional(),
  })
  .openapi("RecommendationContext");

export const RecommendationFilters = z
  .object({
    categories: z
      .array(Category)
      .min(1, "filters.categories must not be empty when given")
      .max(MAX_FILTER_CATEGORIES, `at most ${MAX_FILTER_CATEGORIES} categories`)
      .optional(),
    min_score: z
      .number({ error: "filters.min_score must be a number" })
      .min(0, "filters.min_score must be between 0 and 1")
      .max(1, "filters.min_score must be between 0 and 1")
      .optional(),
    exclude_ids: z.array(ItemId).max(MAX_EXCLUDE_IDS, `at most ${MAX_EXCLUDE_IDS} exclude_ids`).optional(),
  })
  .openapi("RecommendationFilters");

const count = z
  .number({ error: "count must be a number" })
  .int("count must be an integer")
  .min(1, "count must be at least 1")
  .max(MAX_RESULTS, `count must be at most ${MAX_RESULTS}`)
  .default(DEFAULT_RESULTS);

export const PublicRecommendationsRequest = z
  .object({
    user_id: UserId,
    count,
    filters: RecommendationFilters.optional(),
    context: RecommendationContext.optional(),
  })
  .openapi("RecommendationsRequest");

export const PublicRecommendationsResponse = z
  .object({
    recommendations: z.array(z.object({ item_id: z.string(), score: z.number(), ...IncludedItemFields })),
    metadata: z.object({
      model_version: z.string(),
      latency_ms: z.number().openapi({ description: "Measured time spent serving this request in the worker" }),
      cache_hit: z.boolean(),
      experiment: z.object({ experiment_id: z.string(), variant: z.string() }).optional().openapi({
        description:
          "Beyond the contract. The running experiment and variant this user was served (also in X-Experiment-Id / X-Experiment-Variant)",
      }),
    }),
  })
  .openapi("RecommendationsResponse");

export const InternalRecommendationsRequest = z
  .object({
    tenant_id: Uuid,
    user_id: UserId,
    context: RecommendationContext.optional(),
    filters: RecommendationFilters.optional(),
    count,
    model_version: z.string().max(128).optional(),
  })
  .openapi("InternalRecommendationsRequest");

export const InternalRecommendationsResponse = z
  .object({
    request_id: z.string(),
    recommendations: z.array(
      z.object({
        item_id: z.string(),
        score: z.number(),
        embedding_distance: z.number().nullable().openapi({
          description: "Cosine distance (1 - cosine) between the user's vector and the item's; null for a cold user",
        }),
        metadata: z.object({ category: z.string().nullable(), created_at: IsoDateTime }),
        ...IncludedItemFields,
      }),
    ),
    model_version: z.string(),
    latency_ms: z.number(),
    cache_hit: z.boolean(),
  })
  .openapi("InternalRecommendationsResponse");

export type RecommendationFiltersInput = z.infer<typeof RecommendationFilters>;
