import type { Signals } from "@edge-ml/core/ranking/blend";
import {
  freshnessSignal,
  keywordSignal,
  popularitySignal,
  searchSignal,
  similaritySignal,
  titleSignal,
} from "@edge-ml/core/ranking/signals";
import { cosine } from "@edge-ml/core/recommend/profile";
import { tokenize } from "@edge-ml/core/text/hashed-encoder";
import { itemFacts, keywordMatches, keywordMatchOf, popularHead, type ItemFacts } from "./catalog-reads";
import type { ServingContext } from "./context";
import { nearestItems, vectorsOf } from "./item-vectors";

/** Nearest items to the query's vector that join the keyword matches as candidates. */
export const VECTOR_CANDIDATES = 50;

/** A candidate with every signal that does not depend on the user (`cf` is added per user). */
export type SearchCandidate = {
  id: string;
  signals: Signals;
  facts: ItemFacts;
  exactTitle: boolean;
  keyword: boolean;
};

/**
 * Every candidate a query's ranking can hold, for any user: retrieval reads the query alone
 * (keyword matches, the query vector's neighbours), and the user only adds a cf signal to
 * the candidates found. So this list, cached, re-ranked with a user's affinity, is exactly
 * that user's full ranking (serve-search.ts relies on it).
 */
export type QueryCandidates = { query: string; candidates: SearchCandidate[] };

/**
 * Retrievals run, counted where they are issued: tests assert that a cached query is
 * re-ranked without them. Counting costs nothing and no code path reads it.
 */
export const searchRetrievals = { keyword: 0, vector: 0 };

/**
 * Hybrid retrieval: keyword candidates (FTS5 BM25 in D1) and meaning candidates (the query's
 * vector in the tenant's text index), each scored on relevance (keyword, vector, title),
 * popularity and freshness. `include` adds an item whether or not retrieval found it: the
 * explanation of an item runs this very function, so its breakdown is the served one.
 */
export async function retrieveCandidates(
  ctx: ServingContext,
  query: string,
  include?: string,
): Promise<QueryCandidates> {
  searchRetrievals.keyword++;
  const [[queryVector], { scores: keyword, match }] = await Promise.all([
    ctx.encoder.encode([query]),
    keywordMatches(ctx.db, ctx.tenantId, query),
  ]);
  searchRetrievals.vector++;
  const nearest = await nearestItems(ctx.textIndex, queryVector!, VECTOR_CANDIDATES);
  const ids = new Set([...keyword.keys(), ...nearest.map((n) => n.itemId)]);
  if (include !== undefined) {
    ids.add(include);
    if (!keyword.has(include)) {
      const own = await keywordMatchOf(ctx.db, ctx.tenantId, match, include);
      if (own !== undefined) keyword.set(include, own);
    }
  }
  const candidates = [...ids];
  // The vector query returned each neighbour's cosine with the query: only the keyword
  // matches that are not among them need their vectors read.
  const similarity = new Map(nearest.map((n) => [n.itemId, n.score]));
  const [facts, head, vectors] = await Promise.all([
    itemFacts(ctx.db, ctx.tenantId, candidates),
    popularHead(ctx.db, ctx.tenantId),
    vectorsOf(
      ctx.textVectors,
      candidates.filter((id) => !similarity.has(id)),
    ),
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
        popularity: popularitySignal(f.popularity, head.maxScore, ctx.nowMs),
        freshness: freshnessSignal(f.createdAt, ctx.nowMs),
      },
    });
  }
  return { query, candidates: scored };
}
