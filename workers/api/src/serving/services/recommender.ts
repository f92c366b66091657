import type { Signals } from "@edge-ml/core/ranking/blend";
import { rankCandidates, type Scored } from "@edge-ml/core/ranking/rank";
import { freshnessSignal, popularitySignal } from "@edge-ml/core/ranking/signals";
import { seedItems, type HistoryEvent } from "@edge-ml/core/recommend/profile";
import type { RecommendationFiltersInput } from "@edge-ml/core/schemas";
import type { MetadataFilter } from "@edge-ml/core/vector/types";
import { itemFacts, popularHead, popularInCategories, type ItemFacts } from "./catalog-reads";
import type { ServingContext } from "./context";
import { nearestItemsMany, vectorsOf, type Nearest } from "./item-vectors";
import { userAffinity, type Affinity } from "./affinity";
import type { TrainedRecommender } from "./trained-model";
import { userPairs } from "./user-pairs";

/** Candidates from the user's vector, from each recent item's neighbours, from popularity. */
export const PROFILE_CANDIDATES = 100;
export const NEIGHBOUR_SEEDS = 3;
export const NEIGHBOURS_PER_SEED = 20;
export const POPULAR_CANDIDATES = 100;

export type RecCandidate = {
  id: string;
  signals: Signals;
  facts: ItemFacts;
  /** 1 - cosine between the user's vector and the item's; null for a cold user. */
  distance: number | null;
  /** Why the item may not be served to this user, when it may not. */
  excluded?: "bought" | "disliked" | "consumed" | "excluded_ids";
};

export type RecommendationRanking = {
  /** Every candidate that may be served, best first; `rank` is the served position. */
  ranked: Scored<RecCandidate>[];
  /** Candidates removed before ranking (bought, disliked, `exclude_ids`), for explanations. */
  removed: RecCandidate[];
  personalized: boolean;
};

/**
 * The one recommender behind /recommend, /api/v1/recommendations and
 * /internal/ml/recommendations. Candidates: the items nearest the user's vector (from the
 * deployed model, or from their recent items' text vectors before one exists), the
 * neighbours of the items they last showed interest in, and the tenant's most popular
 * items (all a cold user gets). Then the category filter, removal of what they bought or
 * disliked and of `exclude_ids`, and the blend of affinity, popularity and freshness.
 * `min_score` and `count` are applied by the caller on the ranked list. `include` forces
 * an item into the candidates, for explanations.
 */
export async function recommendationRanking(
  ctx: ServingContext,
  userId: string,
  filters: RecommendationFiltersInput = {},
  model: TrainedRecommender | undefined,
  include?: string,
  knownHistory?: HistoryEvent[],
): Promise<RecommendationRanking> {
  const categories = filters.categories;
  const filter: MetadataFilter | undefined = categories ? { category: { $in: categories } } : undefined;
  const pairs = userPairs(ctx.db, ctx.tenantId, userId, model !== undefined);
  pairs.catch(() => undefined); // awaited below; no unhandled rejection if the affinity fails first
  const [user, head, { consumed }] = await Promise.all([
    userAffinity(ctx, userId, model, knownHistory, pairs),
    popularHead(ctx.db, ctx.tenantId),
    pairs,
  ]);
  const { history, personalized } = user;
  const seeds = seedItems(history, NEIGHBOUR_SEEDS);
  const known = user.historyTextVectors;
  const seedVectors =
    seeds.length === 0
      ? new Map<string, Float32Array>()
      : known && seeds.every((s) => known.has(s))
        ? new Map(seeds.map((s) => [s, known.get(s)!]))
        : await vectorsOf(ctx.textVectors, seeds);
  const [[fromUser, fromSeeds], popular] = await Promise.all([
    userAndSeedCandidates(ctx, user, [...seedVectors.values()], filter),
    categories
      ? popularInCategories(ctx.db, ctx.tenantId, categories, POPULAR_CANDIDATES)
      : head.items.slice(0, POPULAR_CANDIDATES).map((p) => p.itemId),
  ]);
  const ids = new Set<string>([...fromUser.map((n) => n.itemId), ...fromSeeds.map((n) => n.itemId), ...popular]);
  if (include !== undefined) ids.add(include);
  const candidates = [...ids];
  const [facts, affinity] = await Promise.all([itemFacts(ctx.db, ctx.tenantId, candidates), user.score(candidates)]);
  const excludeIds = new Set(filters.exclude_ids ?? []);
  const kept: RecCandidate[] = [];
  const removed: RecCandidate[] = [];
  for (const id of candidates) {
    const f = facts.get(id);
    if (!f) continue;
    if (categories && !(f.category !== null && categories.includes(f.category))) continue;
    const a = affinity.get(id);
    const candidate: RecCandidate = {
      id,
      facts: f,
      distance: personalized ? (a?.distance ?? null) : null,
      signals: {
        ...(personalized ? { cf: a?.cf ?? 0 } : {}),
        popularity: popularitySignal(f.popularity, head.maxScore, ctx.nowMs),
        freshness: freshnessSignal(f.createdAt, ctx.nowMs),
      },
    };
    // Whatever the user consumed, however long ago (the tenant's policy, user-pairs.ts).
    const why = consumed.get(id) ?? (excludeIds.has(id) ? "excluded_ids" : undefined);
    if (why) removed.push({ ...candidate, excluded: why });
    else kept.push(candidate);
  }
  const present = { search: false, cf: personalized };
  return { ranked: rankCandidates(kept, ctx.weights, present), removed, personalized };
}

/**
 * The items nearest the user's vector and the neighbours of their recent items; when the
 * user's vector is in the text space it goes in the same batch: one call per shard for
 * every query. The neighbours come without their vectors: each shard would send its top 20
 * of which the merge keeps a quarter (measured slower than reading the kept ones, most of
 * them from the vector cache).
 */
async function userAndSeedCandidates(
  ctx: ServingContext,
  user: Affinity,
  seedVectors: ArrayLike<number>[],
  filter: MetadataFilter | undefined,
): Promise<[Nearest[], Nearest[]]> {
  const seeds = seedVectors.map((vector) => ({ vector, topK: NEIGHBOURS_PER_SEED + 1 }));
  const profile = user.text ? [{ vector: user.text.vector, topK: PROFILE_CANDIDATES }] : [];
  const [answers, ownNearest] = await Promise.all([
    nearestItemsMany(ctx.textIndex, [...profile, ...seeds], filter),
    user.text ? undefined : user.nearest(PROFILE_CANDIDATES, filter),
  ]);
  const fromUser = ownNearest ?? answers[0]!;
  if (user.text) user.text.note(fromUser);
  return [fromUser, answers.slice(profile.length).flat()];
}
