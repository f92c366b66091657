import { pickInputs } from "@edge-ml/core/ingest/compaction";
import { groupBy } from "@edge-ml/core/util/group-by";
import { compactParts } from "../../shared/compact-parts";
import { backgroundLogger } from "../../shared/logger";

/** A day is compacted on the schedule once it has this many parts. */
export const MIN_PARTS = 4;

/**
 * Merges each day's small part files into one (workers/shared/compact-parts.ts: write the
 * merged file, swap it in, delete the inputs; safe to repeat and to run beside the
 * dispatcher's compaction of a job's days). Returns the number of merges this run swapped in.
 */
export async function compactTenant(env: IngestEnv, tenantId: string, minParts = MIN_PARTS): Promise<number> {
  const catalog = env.CATALOG.get(env.CATALOG.idFromName(tenantId));
  const byDate = groupBy(await catalog.parts(), (p) => p.date);
  let merged = 0;
  for (const [date, parts] of byDate) {
    const inputs = pickInputs(parts, undefined, true);
    if (inputs.length < minParts) continue;
    if (await compactParts(env.DATA, catalog, tenantId, date, inputs)) merged++;
  }
  if (merged > 0) await catalog.publish();
  return merged;
}

/** The scheduled run: every active tenant, one at a time. */
export async function compactAll(env: IngestEnv): Promise<void> {
  const { results } = await env.DB.prepare("SELECT id FROM tenants WHERE status = 'active'").all<{ id: string }>();
  for (const { id } of results) {
    try {
      await compactTenant(env, id);
    } catch (e) {
      backgroundLogger("ingest").error("Compaction failed", { tenant_id: id, error: String(e) });
    }
  }
}
