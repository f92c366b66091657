import { hashedVariant, inNamespace, movedBySplitChange, type Assignable } from "@edge-ml/core/experiments/assignment";
import type { ExperimentRow, VariantConfigRow } from "@edge-ml/core/db/schema";
import type { EXPERIMENT_SURFACES } from "@edge-ml/core/schemas";
import { liveExperiments } from "./active-experiments";

export type Surface = (typeof EXPERIMENT_SURFACES)[number];

/** The split as weights in variant order (the order of the bucket ranges). */
export function splitWeights(
  row: Pick<ExperimentRow, "variantOrder" | "trafficSplit">,
  split = row.trafficSplit,
): number[] {
  return row.variantOrder.map((v) => split[v] ?? 0);
}

export function assignable(row: ExperimentRow): Assignable {
  return {
    seed: row.seed,
    variants: row.variantOrder,
    weights: splitWeights(row),
    namespace: row.namespace,
    range: [row.rangeStart, row.rangeEnd],
  };
}

/** The experiment's object: one per tenant and experiment. */
export function experimentObject(env: ApiEnv, row: Pick<ExperimentRow, "tenantId" | "id">) {
  return env.EXPERIMENTS.get(env.EXPERIMENTS.idFromName(`${row.tenantId}:${row.id}`));
}

/**
 * A user's variant, recorded as an exposure: by the local hash, except for users a split
 * change could have moved, whose sticky variant only the object knows. Those are awaited;
 * everyone else's exposure is written through `background` (ctx.waitUntil), off the response.
 * Undefined when the user is outside the experiment's range.
 */
export async function exposeUser(
  env: ApiEnv,
  row: ExperimentRow,
  userId: string,
  background?: (p: Promise<unknown>) => void,
): Promise<string | undefined> {
  const exp = assignable(row);
  const hashed = hashedVariant(exp, userId);
  if (hashed === undefined) return undefined;
  const stub = experimentObject(env, row);
  const exposure = [{ userId, variant: hashed, atMs: Date.now() }];
  // The pre-period of CUPED's covariate ends when the experiment started.
  const covariate = { tenantId: row.tenantId, beforeMs: Date.parse(row.createdAt) };
  if (!background || movedBySplitChange(exp, userId, row.splitHistory))
    return (await stub.expose(exposure, covariate))[0];
  background(stub.expose(exposure, covariate));
  return hashed;
}

export type ServedVariant = { experimentId: string; variant: string; config: VariantConfigRow };

/**
 * The variant serving applies on `surface` for `userId`, or undefined (no live experiment
 * there, the user outside every range, or an anonymous request). Experiments on one
 * surface share a namespace with disjoint ranges, so at most one applies.
 */
export async function servingVariant(
  env: ApiEnv,
  tenantId: string,
  surface: Surface,
  userId: string | undefined,
  background: (p: Promise<unknown>) => void,
): Promise<ServedVariant | undefined> {
  if (userId === undefined) return undefined;
  const live = await liveExperiments(env.DB, tenantId);
  if (live.length === 0) return undefined;
  for (const row of live) {
    if (row.status !== "running" || !row.surfaces.includes(surface) || !inNamespace(assignable(row), userId)) continue;
    const variant = await exposeUser(env, row, userId, background);
    if (variant === undefined) continue;
    return { experimentId: row.id, variant, config: row.variants[variant]!.config };
  }
  return undefined;
}
