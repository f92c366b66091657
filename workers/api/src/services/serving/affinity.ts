import { LABELS } from "@edge-ml/core/ingest/labels";
import { foldInEvents } from "@edge-ml/core/ml/fold-in";
import { clamp01, similaritySignal } from "@edge-ml/core/ranking/signals";
import { cosine, profileVector, type HistoryEvent } from "@edge-ml/core/recommend/profile";
import type { MetadataFilter, VectorIndex } from "@edge-ml/core/vector/types";
import { vectorIndexFor } from "../../../../shared/vector/index-for";
import { recentHistory } from "./catalog-reads";
import type { ServingContext } from "./context";
import { nearestItems, vectorsOf } from "./item-vectors";
import type { TrainedRecommender } from "./trained-model";

/** What a user's vector says about items: the cf signal (0..1) and the embedding distance. */
export type ItemAffinity = { cf: number; distance: number };

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
): Promise<Affinity> {
  const history = known ?? (await recentHistory(ctx.db, ctx.tenantId, userId));
  if (history.length > 0 && model) {
    const trained = await modelAffinity(ctx, model, history);
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
 * Fold-in of the user's recent events (oldest first, merged as the trainer merged them)
 * over the factors of the items they touched. The cf signal is the item's score relative
 * to the best item in the catalogue for this user (the index's top match), a scale that
 * does not depend on which candidates a request happens to score.
 */
async function modelAffinity(
  ctx: ServingContext,
  model: TrainedRecommender,
  history: HistoryEvent[],
): Promise<Affinity | undefined> {
  const index: VectorIndex = vectorIndexFor(ctx.env, ctx.tenantId, model.spec);
  const source = { index, scope: `${model.spec.name}:${ctx.tenantId}`, dimensions: model.spec.dimensions };
  const factors = await vectorsOf(
    source,
    history.map((e) => e.itemId),
  );
  const known = [...factors.keys()];
  if (known.length === 0) return undefined; // nothing they touched was in the training data
  const k = model.foldIn.params.factors;
  const local = new Float32Array(known.length * k);
  known.forEach((id, i) => local.set(factors.get(id)!, i * k));
  const position = new Map(known.map((id, i) => [id, i]));
  const events = [...history].reverse().filter((e) => position.has(e.itemId));
  const user = foldInEvents(
    { itemFactors: local, ...model.foldIn },
    events.map((e) => position.get(e.itemId)!),
    events.map((e) => LABELS[e.type]),
  );
  if (!user.some((x) => x !== 0)) return undefined;
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
