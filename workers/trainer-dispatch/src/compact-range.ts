import type { PartFile } from "@edge-ml/core/ingest/catalog";
import { pickInputs } from "@edge-ml/core/ingest/compaction";
import { dayInRange } from "@edge-ml/core/training/catalogue";
import { groupBy } from "@edge-ml/core/util/group-by";
import { compactParts } from "../../shared/compact-parts";
import { catalogObject, type CatalogObject } from "../../shared/objects/catalog";

/**
 * Passes over a job's days at most. Each pass merges every day that still has two parts that
 * fit in one merge, so one pass is the rule; more are needed only for a day over
 * MAX_INPUT_BYTES of small parts, or after losing a race to the scheduled compaction.
 */
const MAX_PASSES = 8;

/** The tenant's catalogue object (hosted by the ingest worker, bound here cross-script). */
export function catalogOf(env: DispatchEnv, tenantId: string): CatalogObject {
  return catalogObject(env.CATALOG, tenantId);
}

/** Live parts with a day in [from, to] (inclusive; the catalogue reader's rule), grouped by date. */
export function partsInRange(parts: readonly PartFile[], from: string, to: string): Map<string, PartFile[]> {
  const range = { start_date: from, end_date: to };
  return groupBy(
    parts.filter((p) => dayInRange(p.date, range)),
    (p) => p.date,
  );
}

/**
 * Before a job is handed to the trainer, every day of its range with several parts is merged
 * into as few files as MAX_INPUT_BYTES allows (normally one), so the trainer opens a file a
 * day instead of one per ingested batch and day. The merge is the scheduled compaction's
 * (workers/shared/compact-parts.ts), so it is idempotent (a redelivered or retried dispatch
 * finds the days merged and does nothing) and safe beside the schedule merging the same days:
 * the catalogue swaps a merge in only while all its inputs are live, and the loser cleans up.
 * Days are merged one at a time, to hold one merge's parts in memory. Returns the merges made.
 */
export async function compactRange(env: DispatchEnv, tenantId: string, from: string, to: string): Promise<number> {
  const catalog = catalogOf(env, tenantId);
  let merged = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let progressed = false;
    for (const [date, parts] of partsInRange(await catalog.parts(), from, to)) {
      // Strict size cap: a merged day is merged again on the next pass, and a forced pair
      // over the cap would grow without bound.
      const inputs = pickInputs(parts);
      if (inputs.length < 2) continue;
      // A lost race also counts as progress: the winner merged those parts, so look again.
      progressed = true;
      if (await compactParts(env.DATA, catalog, tenantId, date, inputs)) merged++;
    }
    if (!progressed) break;
  }
  if (merged > 0) await catalog.publish();
  return merged;
}
