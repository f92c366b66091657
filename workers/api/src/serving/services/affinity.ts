import { foldInUser } from "@edge-ml/core/ml/fold-in";
import { userTowerVector } from "@edge-ml/core/ml/user-tower";
import { scoreFromItems } from "@edge-ml/core/ml/item-to-item";
import { topK } from "@edge-ml/core/ml/metrics";
import { clamp01, similaritySignal } from "@edge-ml/core/ranking/signals";
import { cosine, profileVector, type HistoryEvent } from "@edge-ml/core/recommend/profile";
import type { IndexSpec } from "@edge-ml/core/vector/indexes";
import type { MetadataFilter, VectorIndex } from "@edge-ml/core/vector/types";
import { vectorIndexFor } from "../../../../shared/vector/index-for";
import { recentHistory } from "./catalog-reads";
import type { ServingContext } from "./context";
import { nearestItems, vectorsOf } from "./item-vectors";
import type { FactorRecommender, ItemToItemRecommender, TowerRecommender, TrainedRecommender } from "./trained-model";
import { userPairs, type UserPairs } from "./user-pairs";

/** What a user's vector says about items: the cf signal (0..1) and the embedding distance (null without embeddings: item_to_item). */
export type ItemAffinity = { cf: number; distance: number | null };

/**
 * A user's affinity, from the deployed recommender when there is one (the user's vector
 * folded in from their recent events: a new user counts after one click), else from the
 * text vectors of their recent items. Both answer the same two questions, so search and
 * recommendations do not care which.
 */
export type Affinity = {
  history: HistoryEvent[];
  /** False for a cold user: no signal at all. */
  personalized: boolean;
  nearest(k: number, filter?: MetadataFilter): Promise<{ itemId: string; score: number }[]>;
  score(itemIds: string[]): Promise<Map<string, ItemAffinity>>;
  /** Text vectors of the history's items when they were read anyway (saves a round trip). */
  historyTextVectors?: Map<string, Float32Array>;
  /**
   * For an affinity in the text space (the profile), its vector: its nearest items can then be
   * read in one batch with other text queries, and handed back with `note` so that scoring
   * them needs no vector read (`nearest` does both itself).
   */
  text?: { vector: ArrayLike<number>; note(matches: { itemId: string; score: number }[]): void };
};

export async function userAffinity(
  ctx: ServingContext,
  userId: string,
  model: TrainedRecommender | undefined,
  known?: HistoryEvent[],
  knownPairs?: Promise<UserPairs>,
): Promise<Affinity> {
  const history = known ?? (await recentHistory(ctx.db, ctx.tenantId, userId));
  if (history.length > 0 && model) {
    const pairs = await (knownPairs ?? userPairs(ctx.db, ctx.tenantId, userId));
    const trained =
      model.kind === "item_to_item"
        ? itemToItemAffinity(model, history, pairs)
        : model.kind === "tower"
          ? await towerAffinity(ctx, model, history, pairs)
          : await modelAffinity(ctx, model, history, pairs);
    if (trained) return trained;
  }
  return profileAffinity(ctx, history);
}

const cold = (history: HistoryEvent[]): Affinity => ({
  history,
  personalized: false,
  nearest: async () => [],
  score: async () => new Map(),
});

async function profileAffinity(ctx: ServingContext, history: HistoryEvent[]): Promise<Affinity> {
  if (history.length === 0) return cold(history);
  const vectors = await vectorsOf(
    ctx.textVectors,
    history.map((e) => e.itemId),
  );
  const profile = profileVector(history, (id) => vectors.get(id), ctx.encoder.dimensions);
  if (!profile) return cold(history);
  // The profile's own query returns each match's cosine with the profile: scoring those
  // again would read their vectors for nothing.
  const similarity = new Map<string, number>();
  const note = (matches: { itemId: string; score: number }[]) => {
    for (const m of matches) similarity.set(m.itemId, m.score);
  };
  return {
    history,
    personalized: true,
    historyTextVectors: vectors,
    text: { vector: profile, note },
    nearest: async (k, filter) => {
      const matches = await nearestItems(ctx.textIndex, profile, k, filter);
      note(matches);
      return matches;
    },
    score: async (ids) => {
      const found = await vectorsOf(
        ctx.textVectors,
        ids.filter((id) => !similarity.has(id)),
      );
      const out = new Map<string, ItemAffinity>();
      for (const id of ids) {
        const v = found.get(id);
        const cos = similarity.get(id) ?? (v ? cosine(profile, v) : undefined);
        if (cos !== undefined) out.set(id, { cf: similaritySignal(cos), distance: 1 - cos });
      }
      return out;
    },
  };
}

/**
 * Fold-in over the user's whole history (user_items: every pair, merged as the trainer merged
 * them, the newest FOLD_IN_MAX_PAIRS of a very heavy user), against the trained item factors.
 * This is the exact ALS user step, the very solve that produced a trained user's factor, so
 * for a user seen at training it is their trained factor updated with every event since, and
 * for a user unseen at training it is what training would have given them (docs/decisions.md).
 * Pairs go into the solve in item-id order, so offline and served vectors agree (to float32
 * rounding: D1 sums the labels in float64, the trainer's matrix holds float32).
 * The cf signal is the item's score relative to the best item in the catalogue for this user
 * (the index's top match), a scale that does not depend on which candidates a request scores.
 */
async function modelAffinity(
  ctx: ServingContext,
  model: FactorRecommender,
  history: HistoryEvent[],
  pairs: UserPairs,
): Promise<Affinity | undefined> {
  const { index, source } = versionVectors(ctx, model.spec);
  const factors = await vectorsOf(source, pairs.items);
  const known = pairs.items.map((id, p) => ({ id, value: pairs.values[p]! })).filter((x) => factors.has(x.id));
  if (known.length === 0) return undefined; // nothing they touched was in the training data
  known.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const k = model.foldIn.params.factors;
  const local = new Float32Array(known.length * k);
  known.forEach((x, i) => local.set(factors.get(x.id)!, i * k));
  const user = foldInUser(
    { itemFactors: local, ...model.foldIn },
    known.map((_, i) => i),
    known.map((x) => x.value),
  );
  if (!user.some((x) => x !== 0)) return undefined;
  return vectorAffinity(index, source, user, history);
}

/**
 * A two_tower or gnn version's affinity: the user tower (core/ml/user-tower.ts) over the
 * vectors of everything the user liked (their whole history's positive pairs, as the GPU
 * trainer pooled the training split), so a user unseen at training is served from their
 * history without retraining; gnn's tower is the plain mean (its fold-in, docs/decisions.md).
 */
async function towerAffinity(
  ctx: ServingContext,
  model: TowerRecommender,
  history: HistoryEvent[],
  pairs: UserPairs,
): Promise<Affinity | undefined> {
  const { index, source } = versionVectors(ctx, model.spec);
  const liked = pairs.items.filter((_, p) => pairs.values[p]! > 0);
  const vectors = await vectorsOf(source, liked);
  const user = userTowerVector(
    model.tower,
    liked.flatMap((id) => (vectors.has(id) ? [vectors.get(id)!] : [])),
  );
  if (!user || !user.some((x) => x !== 0)) return undefined; // nothing they liked was trained on
  return vectorAffinity(index, source, user, history);
}

/** A version's index, and its vectors as a cached source. */
function versionVectors(ctx: ServingContext, spec: IndexSpec) {
  const index: VectorIndex = vectorIndexFor(ctx.env, ctx.tenantId, spec);
  return {
    index,
    source: { index, scope: `${spec.name}:${ctx.tenantId}`, tenantId: ctx.tenantId, dimensions: spec.dimensions },
  };
}

/** Nearest items and scores of a user vector in a version's index (dot product, as trained). */
function vectorAffinity(
  index: VectorIndex,
  source: Parameters<typeof vectorsOf>[0],
  user: Float32Array,
  history: HistoryEvent[],
): Affinity {
  const k = user.length;
  let scale: Promise<number> | undefined;
  const topScore = () =>
    (scale ??= nearestItems(index, user, 1).then((m) => (m[0] && m[0].score > 0 ? m[0].score : 1)));
  return {
    history,
    personalized: true,
    nearest: (n, filter) => nearestItems(index, user, n, filter),
    score: async (ids) => {
      const [found, top] = await Promise.all([vectorsOf(source, ids), topScore()]);
      const out = new Map<string, ItemAffinity>();
      for (const [id, v] of found) {
        let dot = 0;
        for (let f = 0; f < k; f++) dot += user[f]! * v[f]!;
        out.set(id, { cf: clamp01(dot / top), distance: 1 - cosine(user, v) });
      }
      return out;
    },
  };
}

/**
 * An item_to_item model's affinity: every item's votes from everything the user liked (the
 * whole history's pairs, in training's item order, so scores equal the trainer's evaluation),
 * cf = votes relative to the user's best item. No embedding, so no distance. A filtered
 * request ranks more of the list: the category filter is applied on the candidates.
 */
function itemToItemAffinity(
  model: ItemToItemRecommender,
  history: HistoryEvent[],
  pairs: UserPairs,
): Affinity | undefined {
  const known = pairs.items
    .map((id, p) => ({ i: model.position.get(id), value: pairs.values[p]! }))
    .filter((x): x is { i: number; value: number } => x.i !== undefined)
    .sort((a, b) => a.i - b.i);
  const scores = scoreFromItems(
    model.model,
    known.map((x) => x.i),
    known.map((x) => x.value),
    new Float32Array(model.model.nItems),
  );
  let top = 0;
  for (const v of scores) if (v > top) top = v;
  if (!(top > 0)) return undefined; // nothing they liked has neighbours: no signal
  return {
    history,
    personalized: true,
    nearest: async (n, filter) => {
      const best = topK(scores, filter ? n * 5 : n);
      return Array.from(best)
        .filter((i) => scores[i]! > 0)
        .map((i) => ({ itemId: model.items[i]!, score: scores[i]! }));
    },
    score: async (ids) => {
      const out = new Map<string, ItemAffinity>();
      for (const id of ids) {
        const i = model.position.get(id);
        if (i !== undefined) out.set(id, { cf: clamp01(scores[i]! / top), distance: null });
      }
      return out;
    },
  };
}
