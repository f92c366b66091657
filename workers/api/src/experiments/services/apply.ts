import type { Context } from "hono";
import type { Weights } from "@edge-ml/core/ranking/weights";
import type { AppEnv } from "../../env";
import { servingContext, type ServingContext } from "../../serving/services/context";
import { servingVariant, type ServedVariant, type Surface } from "./assign";

/**
 * The serving context of a request with the running experiment's variant applied (its
 * ranking weights, its recommender version), and the headers that say which:
 * `X-Experiment-Id` and `X-Experiment-Variant`. Without a live experiment this is one map
 * lookup (active-experiments.ts) and the production context.
 */
export async function experimentContext(
  c: Context<AppEnv>,
  surface: Surface,
  userId: string | undefined,
): Promise<{ ctx: ServingContext; served: ServedVariant | undefined }> {
  const tenantId = c.get("principal").tenantId;
  const served = await requestVariant(c, surface, userId);
  if (!served) return { ctx: servingContext(c.env, tenantId), served };
  const weights = served.config.ranking_weights as Weights | undefined;
  return { ctx: servingContext(c.env, tenantId, weights, served.config.model_version), served };
}

/**
 * The running experiment's variant for this request's user on `surface` (exposure recorded
 * off the response), named in `X-Experiment-Id` / `X-Experiment-Variant`; undefined without one.
 */
export async function requestVariant(
  c: Context<AppEnv>,
  surface: Surface,
  userId: string | undefined,
): Promise<ServedVariant | undefined> {
  const logger = c.get("logger");
  const served = await servingVariant(c.env, c.get("principal").tenantId, surface, userId, (p) =>
    c.executionCtx.waitUntil(p.catch((e) => logger.warn("Experiment exposure not recorded", { error: String(e) }))),
  );
  if (served) {
    c.header("X-Experiment-Id", served.experimentId);
    c.header("X-Experiment-Variant", served.variant);
  }
  return served;
}

