import { DEFAULT_WEIGHTS, type Weights } from "@edge-ml/core/ranking/weights";
import type { VectorIndex } from "@edge-ml/core/vector/types";
import type { TextEncoder } from "../../../../shared/text/encoder";
import { textSpace } from "../../../../shared/text-space";

/** What one tenant's ranking needs, built once per request from the configuration. */
export type ServingContext = {
  db: D1Database;
  tenantId: string;
  encoder: TextEncoder;
  /** Item text vectors, in the encoder's space. */
  textIndex: VectorIndex;
  weights: Weights;
  /** The scoring clock (see scoringClock), not the wall clock. */
  nowMs: number;
};

export function servingContext(env: ApiEnv, tenantId: string, weights: Weights = DEFAULT_WEIGHTS): ServingContext {
  const { encoder, index } = textSpace(env, tenantId);
  return {
    db: env.DB,
    tenantId,
    encoder,
    textIndex: index,
    weights,
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
 * The version a ranking reports. Until a trained recommendation model is deployed, user
 * affinity comes from the user's recent items in the text encoder's space, and the version
 * says so.
 */
export function servingModelVersion(ctx: ServingContext): string {
  return `content-profile-v1+${ctx.encoder.version}`;
}
