import { and, eq, ne } from "drizzle-orm";
import { experiments, type ExperimentRow } from "@edge-ml/core/db/schema";
import { getDb } from "../../lib/db";
import { TtlCache } from "../../lib/ttl-cache";

/**
 * The tenant's live (running or paused) experiments, per isolate for a few seconds, the
 * empty list included: a tenant without experiments pays one map lookup per request, not a
 * D1 read. A change made in this isolate forgets the entry at once; other isolates see it
 * within ACTIVE_TTL_MS (docs/decisions.md).
 */
export const ACTIVE_TTL_MS = 5_000;
const cache = new TtlCache<string, ExperimentRow[]>(10_000, ACTIVE_TTL_MS, {
  maxBytes: 4 * 1024 * 1024,
  sizeOf: (key, rows) => 2 * (key.length + JSON.stringify(rows).length),
});

export async function liveExperiments(d1: D1Database, tenantId: string): Promise<ExperimentRow[]> {
  const hit = cache.get(tenantId);
  if (hit) return hit;
  const rows = await getDb(d1)
    .select()
    .from(experiments)
    .where(and(eq(experiments.tenantId, tenantId), ne(experiments.status, "completed")));
  cache.set(tenantId, rows);
  return rows;
}

export function forgetTenantExperiments(tenantId: string): void {
  cache.delete(tenantId);
}
