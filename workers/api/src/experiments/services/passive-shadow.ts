import type { Context } from "hono";
import type { Scored } from "@edge-ml/core/experiments/rankings";
import type { AppEnv } from "../../env";
import { deployedRecommender, servingContext, servingModelVersion } from "../../serving/services/context";
import { cachedChallenger } from "./challengers";
import { shadowCompare, type ShadowInput } from "./shadow-run";

/**
 * At most this many challenger rankings in flight per isolate: a sampled request that finds
 * them busy is not shadowed. Without the cap, a sample rate the isolate has no headroom for
 * queues challenger work without bound and the served requests wait behind it (bench/shadow
 * at sample_rate 1: p50 from 6 ms to 0.5-1.4 s); with it the extra work is bounded.
 */
export const MAX_SHADOW_IN_FLIGHT = 2;
let inFlight = 0;

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
    if (!challenger || Math.random() >= challenger.sample_rate || inFlight >= MAX_SHADOW_IN_FLIGHT) return;
    inFlight++;
    try {
      await compare(challenger.model_version);
    } finally {
      inFlight--;
    }
  };
  const compare = async (candidate: string) => {
    const version =
      served.version ??
      servingModelVersion(servingContext(env, tenantId), await deployedRecommender(servingContext(env, tenantId)));
    const production = { items: served.items.map((i) => ({ ...i, reason: i.reason ?? "" })), ms: served.ms, version };
    await shadowCompare(env, tenantId, candidate, input, "passive", background, production);
  };
  c.executionCtx.waitUntil(task().catch((e) => logger.warn("Passive shadow comparison failed", { error: String(e) })));
}
