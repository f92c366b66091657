import { rankCandidates, type Scored } from "@edge-ml/core/ranking/rank";
import type { HistoryEvent } from "@edge-ml/core/recommend/profile";
import type { ServingContext } from "./context";
import { userAffinity, type Affinity } from "./affinity";
import { retrieveCandidates, type QueryCandidates, type SearchCandidate } from "./search-candidates";
import type { TrainedRecommender } from "./trained-model";

export type SearchRanking = { ranked: Scored<SearchCandidate>[]; personalized: boolean };

/**
 * A full search ranking, nothing cached: the query's candidates (search-candidates.ts),
 * the user's affinity when `userId` has a history, blended. The explanation runs this, with
 * `include`; serving runs `rankForUser` on the query's cached candidates, which is the same
 * arithmetic on the same candidates.
 */
export async function searchRanking(
  ctx: ServingContext,
  query: string,
  opts: { userId?: string; include?: string; model?: TrainedRecommender; history?: HistoryEvent[] } = {},
): Promise<SearchRanking> {
  const [candidates, user] = await Promise.all([
    retrieveCandidates(ctx, query, opts.include),
    opts.userId ? userAffinity(ctx, opts.userId, opts.model, opts.history) : undefined,
  ]);
  return rankForUser(ctx, candidates, user);
}

/**
 * Ranks a query's candidates for a user: their cf signal from the affinity (none for a cold
 * user or none at all, which is the unpersonalized ranking), then the blend. Candidates are
 * never changed: a cached list is shared by every user of the query.
 */
export async function rankForUser(
  ctx: ServingContext,
  { candidates }: QueryCandidates,
  user: Affinity | undefined,
): Promise<SearchRanking> {
  const affinity = user?.personalized ? await user.score(candidates.map((c) => c.id)) : undefined;
  const withCf = affinity
    ? candidates.map((c) => ({ ...c, signals: { ...c.signals, cf: affinity.get(c.id)?.cf ?? 0 } }))
    : candidates;
  const present = { search: true, cf: affinity !== undefined };
  return { ranked: rankCandidates(withCf, ctx.weights, present), personalized: present.cf };
}
