import { DEFAULT_WEIGHTS, type Weights } from "@edge-ml/core/ranking/weights";
import type { VectorIndex } from "@edge-ml/core/vector/types";
import type { TextEncoder } from "../../../../shared/text/encoder";
import { textSpace } from "../../../../shared/text-space";
import { timedIndex } from "../../platform/metrics/timed-index";
import type { CachedIndex } from "./item-vectors";
import { productionRecommender, recommenderVersion, type TrainedRecommender } from "./trained-model";

/** What one tenant's ranking needs, built once per request from the configuration. */
export type ServingContext = {
  env: ApiEnv;
  db: D1Database;
  tenantId: string;
  encoder: TextEncoder;
  /** Item text vectors, in the encoder's space. */
  textIndex: VectorIndex;
  /** The same index for vector reads through the isolate's cache (item-vectors.ts). */
  textVectors: CachedIndex;
  weights: Weights;
  /** A recommender version to serve instead of production (an experiment's variant, a shadow candidate). */
  modelVersion?: string;
  /** The scoring clock (see scoringClock), not the wall clock. */
  nowMs: number;
};

export function servingContext(
  env: ApiEnv,
  tenantId: string,
  weights: Weights = DEFAULT_WEIGHTS,
  modelVersion?: string,
): ServingContext {
  const { encoder, index: raw } = textSpace(env, tenantId);
  const index = timedIndex(raw, tenantId);
  return {
    env,
    db: env.DB,
    tenantId,
    encoder,
    textIndex: index,
    textVectors: { index, scope: `text:${tenantId}`, tenantId, dimensions: encoder.dimensions },
    weights,
    ...(modelVersion !== undefined ? { modelVersion } : {}),
    nowMs: scoringClock(Date.now()),
  };
}

/**
 * The time ranking uses, to the hour: freshness and popularity decay over days, so the
 * hour loses nothing, and two requests in the same hour score an item identically (an
 * explanation reproduces the served score; a cached list is the list serving would make).
 */
export const SCORING_CLOCK_MS = 3_600_000;
export function scoringClock(nowMs: number): number {
  return Math.floor(nowMs / SCORING_CLOCK_MS) * SCORING_CLOCK_MS;
}

/**
 * The version a ranking reports: the deployed recommender's, or, until one is deployed,
 * one that says user affinity comes from the user's recent items in the text encoder's space.
 */
export function servingModelVersion(ctx: ServingContext, model: TrainedRecommender | undefined): string {
  return model?.version ?? `content-profile-v1+${ctx.encoder.version}`;
}

/** The tenant's deployed recommender, if any, or the context's own version (cached per isolate, see trained-model.ts). */
export function deployedRecommender(ctx: ServingContext): Promise<TrainedRecommender | undefined> {
  if (ctx.modelVersion !== undefined) return recommenderVersion(ctx.db, ctx.env.DATA, ctx.tenantId, ctx.modelVersion);
  return productionRecommender(ctx.db, ctx.env.DATA, ctx.tenantId);
}
