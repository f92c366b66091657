import { compareLists, type Scored } from "@edge-ml/core/experiments/rankings";
import { errors } from "@edge-ml/core/errors";
import {
  deployedRecommender,
  servingContext,
  servingModelVersion,
  type ServingContext,
} from "../../serving/services/context";
import { serveRecommendations } from "../../serving/services/serve-recommendations";
import { serveSearch } from "../../serving/services/serve-search";
import { recordComparison } from "./shadow-log";

export type ShadowInput =
  | { surface: "search"; query: string; userId: string | undefined; k: number }
  | { surface: "recommend"; userId: string; k: number };

export type Ranked = { items: (Scored & { reason: string })[]; version: string; ms: number };
type Background = (p: Promise<unknown>) => void;

/** One ranking of the input by the context's model, timed from the first read to the list. */
async function rank(ctx: ServingContext, input: ShadowInput, background: Background): Promise<Ranked> {
  const started = performance.now();
  if (input.surface === "search") {
    const [served, model] = await Promise.all([
      serveSearch(ctx, input.query, input.k, input.userId, background),
      deployedRecommender(ctx),
    ]);
    const items = served.results.map((r) => ({ id: r.productId, score: r.score, reason: r.reason }));
    return { items, version: servingModelVersion(ctx, model), ms: performance.now() - started };
  }
  const served = await serveRecommendations(ctx, input.userId, {}, input.k, background);
  const items = served.items.map((i) => ({ id: i.itemId, score: i.score, reason: i.reason }));
  return { items, version: served.modelVersion, ms: performance.now() - started };
}

/** The candidate must be a recommender version of the tenant. */
export async function checkCandidate(d1: D1Database, tenantId: string, version: string): Promise<void> {
  const row = await d1
    .prepare("SELECT 1 AS ok FROM model_versions WHERE tenant_id = ?1 AND kind = 'recommender' AND version = ?2")
    .bind(tenantId, version)
    .first();
  if (!row)
    throw errors.validation(`model_version ${version} is not a recommender version of this tenant`, "model_version");
}

/**
 * Scores `candidate` on the input and logs its comparison with `production` (a ranking
 * already made, for passive shadowing; made here otherwise). A candidate that fails is
 * logged as an error, with its latency, and rethrown to an active caller.
 */
export async function shadowCompare(
  env: ApiEnv,
  tenantId: string,
  candidateVersion: string,
  input: ShadowInput,
  mode: "active" | "passive",
  background: Background,
  production?: Ranked,
): Promise<Ranked> {
  const prod = production ?? (await rank(servingContext(env, tenantId), input, background));
  const logged = {
    tenantId,
    surface: input.surface,
    mode,
    modelVersion: candidateVersion,
    productionVersion: prod.version,
    k: input.k,
    productionMs: prod.ms,
  };
  const started = performance.now();
  try {
    const cand = await rank(servingContext(env, tenantId, undefined, candidateVersion), input, background);
    await recordComparison(env.DB, {
      ...logged,
      candidateMs: cand.ms,
      error: null,
      ...compareLists(prod.items, cand.items, input.k),
    });
    return cand;
  } catch (e) {
    const error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    await recordComparison(env.DB, { ...logged, candidateMs: performance.now() - started, error });
    throw e;
  }
}
