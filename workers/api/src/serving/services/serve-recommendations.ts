import { errors } from "@edge-ml/core/errors";
import type { HistoryEvent } from "@edge-ml/core/recommend/profile";
import { explanationSentence } from "@edge-ml/core/ranking/explain";
import { DEFAULT_WEIGHTS } from "@edge-ml/core/ranking/weights";
import { MAX_RESULTS, type RecommendationFiltersInput } from "@edge-ml/core/schemas";
import { API_SERVICE, backgroundLogger, logLevelOf } from "../../lib/logger";
import { recentHistory, type History } from "./catalog-reads";
import { deployedRecommender, servingModelVersion, type ServingContext } from "./context";
import {
  cachedRecommendations,
  cacheKey,
  cacheRecommendations,
  historyStamp,
  type CachedRecommendation,
} from "./recommendation-cache";
import { recommendationRanking } from "./recommender";
import { servedFromStored, stampAndStoredList, storeLists, type StoredList } from "./stored-lists";
import type { TrainedRecommender } from "./trained-model";
import { consumedMask } from "./user-pairs";

export type ServedRecommendations = {
  items: CachedRecommendation[];
  modelVersion: string;
  cacheHit: boolean;
  /** Where a cached list came from: this isolate's cache or the user's stored list. */
  cacheLayer?: "isolate" | "stored";
  latencyMs: number;
};

/**
 * Recommendations as every route serves them: this isolate's cache, else the user's stored
 * list (stored-lists.ts), when either was made from the history the user has now; the
 * recommender otherwise (and a default list it makes is stored, through `waitUntil`, for
 * the other isolates). Then `min_score` and `count`. `latencyMs` is measured here, from
 * the first read to the finished list.
 */
export async function serveRecommendations(
  ctx: ServingContext,
  userId: string,
  filters: RecommendationFiltersInput,
  count: number,
  waitUntil: (p: Promise<unknown>) => void,
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
  const defaultList = isDefaultList(ctx, filters);
  const minScore = filters.min_score;
  // A default list may be stored: read its stamp and (the head of) the list, not the history,
  // which only a ranking needs. Without min_score at most `count` items are served.
  let history: History | undefined;
  let stamp: string;
  let stored: StoredList | undefined;
  if (defaultList) {
    ({ stamp, stored } = await stampAndStoredList(
      ctx.db,
      ctx.tenantId,
      userId,
      minScore === undefined ? count : undefined,
    ));
  } else {
    history = await recentHistory(ctx.db, ctx.tenantId, userId);
    stamp = historyStamp(history);
  }
  const key = cacheKey(
    ctx.tenantId,
    userId,
    filters,
    ctx.weights,
    modelVersion,
    await consumedMask(ctx.db, ctx.tenantId),
  );
  const cut = (list: CachedRecommendation[]) =>
    (minScore === undefined ? list : list.filter((i) => i.score >= minScore)).slice(0, count);
  let served: CachedRecommendation[] | undefined;
  let cacheLayer: ServedRecommendations["cacheLayer"];
  const cached = cachedRecommendations(key, stamp);
  if (cached) {
    served = cut(cached);
    cacheLayer = "isolate";
  } else {
    const want = { key, stamp, nowMs: Date.now(), count, minScore };
    served = servedFromStored(stored, want);
    if (served) cacheLayer = "stored";
  }
  if (!served) {
    if (!history) {
      history = await recentHistory(ctx.db, ctx.tenantId, userId);
      // The history read now is what this ranking uses: its stamp, not the one read before.
      stamp = historyStamp(history);
    }
    const items = await rankList(ctx, userId, filters, model, history);
    cacheRecommendations(key, stamp, items);
    // Cold users all get the popular list, cheap to rank: no row per unknown user id.
    if (defaultList && history.length > 0) {
      const list = { userId, key, stamp, items };
      waitUntil(storeLists(ctx.db, ctx.tenantId, [list], Date.now()).catch((e) => logStoreFailure(ctx, e)));
    }
    served = cut(items);
  }
  return {
    items: served,
    modelVersion,
    cacheHit: cacheLayer !== undefined,
    ...(cacheLayer ? { cacheLayer } : {}),
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** The ranked list the caches keep: the best MAX_RESULTS, with their explanations. */
export async function rankList(
  ctx: ServingContext,
  userId: string,
  filters: RecommendationFiltersInput,
  model: TrainedRecommender | undefined,
  history: HistoryEvent[],
): Promise<CachedRecommendation[]> {
  const { ranked } = await recommendationRanking(ctx, userId, filters, model, undefined, history);
  return ranked.slice(0, MAX_RESULTS).map((r) => ({
    itemId: r.id,
    score: r.score,
    distance: r.distance,
    category: r.facts.category,
    createdAt: r.facts.createdAt,
    reason: explanationSentence(r),
  }));
}

/** The list a user is stored one of: no filters, the default weights (what /recommend serves). */
export function isDefaultList(ctx: ServingContext, filters: RecommendationFiltersInput): boolean {
  return (
    filters.categories === undefined &&
    filters.exclude_ids === undefined &&
    ctx.modelVersion === undefined &&
    ctx.weights.every((w, i) => w === DEFAULT_WEIGHTS[i])
  );
}

/** A list that could not be stored is only a later miss: logged, never the request's error. */
function logStoreFailure(ctx: ServingContext, e: unknown): void {
  backgroundLogger(API_SERVICE, logLevelOf(ctx.env.LOG_LEVEL)).warn("Storing a recommendation list failed", {
    tenant_id: ctx.tenantId,
    error: String(e),
  });
}
