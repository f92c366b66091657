import type { QueuedInteraction } from "@edge-ml/core/ingest/rows";
import { inNamespace } from "@edge-ml/core/experiments/assignment";
import { liveExperiments } from "./active-experiments";
import { assignable, experimentObject } from "./assign";
import type { Attributable } from "../objects/experiment-object";

/** Revenue of a purchase: `metadata.revenue`, else `metadata.value`, else `metadata.price`; 0 when none is a non-negative number. */
export function revenueOf(md: Record<string, unknown> | undefined): number {
  for (const k of ["revenue", "value", "price"]) {
    const v = md?.[k];
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
  }
  return 0;
}

/**
 * Sends accepted clicks and purchases to the objects of the live experiments whose range
 * holds their user; each object counts those of users it exposed, within the attribution
 * window (objects/experiment-object.ts). Runs after the response (ctx.waitUntil).
 */
export async function attributeInteractions(
  env: ApiEnv,
  tenantId: string,
  rows: readonly QueuedInteraction[],
): Promise<void> {
  const outcomes = rows.filter((r) => r.t === "click" || r.t === "purchase");
  if (outcomes.length === 0) return;
  const live = await liveExperiments(env.DB, tenantId);
  await Promise.all(
    live.map((row) => {
      const exp = assignable(row);
      const events: Attributable[] = outcomes
        .filter((r) => inNamespace(exp, r.u))
        .map((r) => ({
          userId: r.u,
          type: r.t,
          atMs: r.ts,
          revenue: r.t === "purchase" ? revenueOf(r.md as Record<string, unknown>) : 0,
        }));
      return events.length ? experimentObject(env, row).attribute(events) : undefined;
    }),
  );
}
