import { errors } from "@edge-ml/core/errors";
import { explanationSentence } from "@edge-ml/core/ranking/explain";
import { MAX_RESULTS, type RecommendationFiltersInput } from "@edge-ml/core/schemas";
import { recentHistory } from "./catalog-reads";
import { deployedRecommender, servingModelVersion, type ServingContext } from "./context";
import {
  cachedRecommendations,
  cacheKey,
  cacheRecommendations,
  historyStamp,
  type CachedRecommendation,
} from "./recommendation-cache";
import { recommendationRanking } from "./recommender";

export type ServedRecommendations = {
  items: CachedRecommendation[];
  modelVersion: string;
  cacheHit: boolean;
  latencyMs: number;
};

/**
 * Recommendations as every route serves them: the cache when the user's history has not
 * changed since the entry was made, the recommender otherwise; then `min_score` and
 * `count`. `latencyMs` is measured here, from the first read to the finished list.
 */
export async function serveRecommendations(
  ctx: ServingContext,
  userId: string,
  filters: RecommendationFiltersInput,
  count: number,
  requestedVersion?: string,
): Promise<ServedRecommendations> {
  const started = performance.now();
  const model = await deployedRecommender(ctx);
  const modelVersion = servingModelVersion(ctx, model);
  if (requestedVersion !== undefined && requestedVersion !== modelVersion) {
    throw errors.validation(
      `model_version ${requestedVersion} is not served; the serving version is ${modelVersion}`,
      "model_version",
    );
  }
  const history = await recentHistory(ctx.db, ctx.tenantId, userId);
  const key = cacheKey(ctx.tenantId, userId, filters, ctx.weights, modelVersion);
  const stamp = historyStamp(history);
  let items = cachedRecommendations(key, stamp);
  const cacheHit = items !== undefined;
  if (!items) {
    const { ranked } = await recommendationRanking(ctx, userId, filters, model, undefined, history);
    items = ranked.slice(0, MAX_RESULTS).map((r) => ({
      itemId: r.id,
      score: r.score,
      distance: r.distance,
      category: r.facts.category,
      createdAt: r.facts.createdAt,
      reason: explanationSentence(r),
    }));
    cacheRecommendations(key, stamp, items);
  }
  const minScore = filters.min_score;
  const served = (minScore === undefined ? items : items.filter((i) => i.score >= minScore)).slice(0, count);
  return { items: served, modelVersion, cacheHit, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
}
