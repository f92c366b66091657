import { profileVector, type HistoryEvent } from "@edge-ml/core/recommend/profile";
import type { ServingContext } from "./context";
import { recentHistory } from "./catalog-reads";
import { vectorsOf } from "./item-vectors";

export type UserSignal = { history: HistoryEvent[]; profile: Float32Array | undefined };

/**
 * The user's recent history and their vector: the weighted mean of their recent items'
 * vectors (core/recommend/profile). An unknown user has neither: cold start, not an error.
 */
export async function userSignal(ctx: ServingContext, userId: string, known?: HistoryEvent[]): Promise<UserSignal> {
  const history = known ?? (await recentHistory(ctx.db, ctx.tenantId, userId));
  if (history.length === 0) return { history, profile: undefined };
  const vectors = await vectorsOf(
    ctx.textIndex,
    history.map((e) => e.itemId),
  );
  return { history, profile: profileVector(history, (id) => vectors.get(id), ctx.encoder.dimensions) };
}
