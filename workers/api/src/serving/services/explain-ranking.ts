import { explanationSentence } from "@edge-ml/core/ranking/explain";
import { blend } from "@edge-ml/core/ranking/blend";
import { errors } from "@edge-ml/core/errors";
import { itemFacts } from "./catalog-reads";
import { deployedRecommender, servingModelVersion, type ServingContext } from "./context";
import { recommendationRanking } from "./recommender";
import { searchRanking } from "./search-ranking";

export type RankingExplanation = {
  product_id: string;
  query: string | null;
  user_id: string | null;
  final_score: number;
  breakdown: { search_score: number; cf_score: number; popularity_score: number; freshness_score: number };
  weights: number[];
  explanation: string;
  rank: number | null;
  model_version: string;
};

const EXCLUSION_TEXT = {
  bought: "Not served: the user already bought it",
  disliked: "Not served: the user disliked it",
  consumed: "Not served: the user already consumed it (the tenant's consumed_interaction_types)",
  excluded_ids: "Not served: listed in exclude_ids",
} as const;

/**
 * Why `productId` ranks where it does, for a search (`query`) or, without one, for the
 * user's recommendations. Runs the same ranking function as the served routes with the
 * product forced into the candidates, so breakdown and score are the served ones.
 * Another tenant's product, or an unknown one, is 404 before anything is ranked.
 */
export async function explainRanking(
  ctx: ServingContext,
  productId: string,
  query: string | undefined,
  userId: string | undefined,
): Promise<RankingExplanation> {
  const facts = await itemFacts(ctx.db, ctx.tenantId, [productId], { fresh: true });
  if (!facts.has(productId)) throw errors.notFound("Product");
  const model = await deployedRecommender(ctx);
  const modelVersion = servingModelVersion(ctx, model);
  const base = { product_id: productId, query: query ?? null, user_id: userId ?? null, model_version: modelVersion };
  if (query !== undefined) {
    const { ranked } = await searchRanking(ctx, query, {
      ...(userId ? { userId } : {}),
      include: productId,
      model,
    });
    const hit = ranked.find((r) => r.id === productId)!;
    return {
      ...base,
      final_score: hit.score,
      breakdown: hit.breakdown,
      weights: [...hit.weights],
      explanation: explanationSentence(hit, { exactTitle: hit.exactTitle, keyword: hit.keyword }),
      rank: hit.rank,
    };
  }
  if (userId === undefined) throw errors.validation("query or user_id is required", "query");
  const { ranked, removed, personalized } = await recommendationRanking(ctx, userId, {}, model, productId);
  const hit = ranked.find((r) => r.id === productId);
  if (hit) {
    return {
      ...base,
      final_score: hit.score,
      breakdown: hit.breakdown,
      weights: [...hit.weights],
      explanation: explanationSentence(hit),
      rank: hit.rank,
    };
  }
  const out = removed.find((r) => r.id === productId)!;
  const scored = blend(out.signals, ctx.weights, { search: false, cf: personalized });
  return {
    ...base,
    final_score: scored.score,
    breakdown: scored.breakdown,
    weights: [...scored.weights],
    explanation: EXCLUSION_TEXT[out.excluded!],
    rank: null,
  };
}
