import { rankCandidates, type Scored } from "@edge-ml/core/ranking/rank";
import type { Signals } from "@edge-ml/core/ranking/blend";
import {
  freshnessSignal,
  keywordSignal,
  popularitySignal,
  searchSignal,
  similaritySignal,
  titleSignal,
} from "@edge-ml/core/ranking/signals";
import { cosine, type HistoryEvent } from "@edge-ml/core/recommend/profile";
import { tokenize } from "@edge-ml/core/text/hashed-encoder";
import { itemFacts, keywordMatches, keywordMatchOf, popularHead, type ItemFacts } from "./catalog-reads";
import type { ServingContext } from "./context";
import { nearestItems, vectorsOf } from "./item-vectors";
import { userAffinity } from "./affinity";
import type { TrainedRecommender } from "./trained-model";

/** Nearest items to the query's vector that join the keyword matches as candidates. */
export const VECTOR_CANDIDATES = 50;

export type SearchCandidate = {
  id: string;
  signals: Signals;
  facts: ItemFacts;
  exactTitle: boolean;
  keyword: boolean;
};

export type SearchRanking = { ranked: Scored<SearchCandidate>[]; personalized: boolean };

/**
 * Hybrid search: keyword candidates (FTS5 BM25 in D1) and meaning candidates (the query's
 * vector in the tenant's text index), each scored on relevance (keyword, vector, title),
 * the user's affinity when `userId` has a history, popularity and freshness, then blended.
 * `include` adds an item to the candidates whether or not retrieval found it: the
 * explanation of an item runs this very function, so its breakdown is the served one.
 */
export async function searchRanking(
  ctx: ServingContext,
  query: string,
  opts: { userId?: string; include?: string; model?: TrainedRecommender; history?: HistoryEvent[] } = {},
): Promise<SearchRanking> {
  const [[queryVector], { scores: keyword, match }, user] = await Promise.all([
    ctx.encoder.encode([query]),
    keywordMatches(ctx.db, ctx.tenantId, query),
    opts.userId ? userAffinity(ctx, opts.userId, opts.model, opts.history) : undefined,
  ]);
  const nearest = await nearestItems(ctx.textIndex, queryVector!, VECTOR_CANDIDATES);
  const ids = new Set([...keyword.keys(), ...nearest.map((n) => n.itemId)]);
  if (opts.include !== undefined) {
    ids.add(opts.include);
    if (!keyword.has(opts.include)) {
      const own = await keywordMatchOf(ctx.db, ctx.tenantId, match, opts.include);
      if (own !== undefined) keyword.set(opts.include, own);
    }
  }
  const candidates = [...ids];
  // The vector query returned each neighbour's cosine with the query: only the keyword
  // matches that are not among them need their vectors read.
  const similarity = new Map(nearest.map((n) => [n.itemId, n.score]));
  const [facts, head, vectors, affinity] = await Promise.all([
    itemFacts(ctx.db, ctx.tenantId, candidates),
    popularHead(ctx.db, ctx.tenantId),
    vectorsOf(
      ctx.textVectors,
      candidates.filter((id) => !similarity.has(id)),
    ),
    user?.personalized ? user.score(candidates) : undefined,
  ]);
  // The best BM25 of the query's keyword matches sets the keyword scale. An included item
  // cannot move it: it is among the top matches, or scores below all of them.
  const best = keyword.size > 0 ? Math.min(...keyword.values()) : undefined;
  const queryWords = new Set(tokenize(query));
  const scored: SearchCandidate[] = [];
  for (const id of candidates) {
    const f = facts.get(id);
    if (!f) continue; // an index row for an item deleted from the catalogue
    const v = vectors.get(id);
    const title = titleSignal(queryWords, f.title);
    const relevance = {
      keyword: keywordSignal(keyword.get(id), best),
      vector: similarity.has(id)
        ? similaritySignal(similarity.get(id)!)
        : v
          ? similaritySignal(cosine(queryVector!, v))
          : 0,
      title,
    };
    scored.push({
      id,
      facts: f,
      exactTitle: title === 1,
      keyword: keyword.has(id),
      signals: {
        search: searchSignal(relevance),
        ...(affinity ? { cf: affinity.get(id)?.cf ?? 0 } : {}),
        popularity: popularitySignal(f.popularity, head.maxScore, ctx.nowMs),
        freshness: freshnessSignal(f.createdAt, ctx.nowMs),
      },
    });
  }
  const present = { search: true, cf: affinity !== undefined };
  return { ranked: rankCandidates(scored, ctx.weights, present), personalized: present.cf };
}
