import type { Context } from "hono";
import type { Scored } from "@edge-ml/core/experiments/rankings";
import type { AppEnv } from "../../env";
import { deployedRecommender, servingContext, servingModelVersion } from "../../serving/services/context";
import { cachedChallenger } from "./challengers";
import { shadowCompare, type ShadowInput } from "./shadow-run";

/**
 * Passive shadowing: when the tenant names a challenger for the surface, a sampled share
 * of production requests is ranked again by the challenger after the response
 * (ctx.waitUntil) and compared with what was served. Everything, the challenger lookup
 * included, runs in the background: the served results and their latency are untouched.
 * Requests an experiment variant served are skipped (they did not serve production).
 */
export function shadowLater(
  c: Context<AppEnv>,
  input: ShadowInput,
  served: { items: (Scored & { reason?: string })[]; ms: number; version?: string },
): void {
  const env = c.env;
  const tenantId = c.get("principal").tenantId;
  const logger = c.get("logger");
  const background = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  const task = async () => {
    const challenger = await cachedChallenger(env.DB, tenantId, input.surface);
    if (!challenger || Math.random() >= challenger.sample_rate) return;
    const version =
      served.version ??
      servingModelVersion(servingContext(env, tenantId), await deployedRecommender(servingContext(env, tenantId)));
    const production = { items: served.items.map((i) => ({ ...i, reason: i.reason ?? "" })), ms: served.ms, version };
    await shadowCompare(env, tenantId, challenger.model_version, input, "passive", background, production);
  };
  c.executionCtx.waitUntil(task().catch((e) => logger.warn("Passive shadow comparison failed", { error: String(e) })));
}
