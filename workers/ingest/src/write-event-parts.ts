import { partKey, type PartFile } from "@edge-ml/core/ingest/catalog";
import { partitionDate, writeEventsParquet } from "@edge-ml/core/ingest/parquet";
import { sha256Hex } from "@edge-ml/core/auth";
import { groupBy } from "@edge-ml/core/util/group-by";
import { catalogObject, type CatalogObject } from "../../shared/objects/catalog";
import type { AppliedEvents, Batch } from "./apply-interactions";
import { markPartsDone } from "./apply-once";
import { requestRefresh } from "./request-refresh";

/**
 * The second half of a queue batch's messages of events, per tenant: one Parquet part per
 * UTC date for all of them (not one per message: a single tracked event is a message, and a
 * part, an R2 write and a catalogue update each cost more than the event's own D1 rows),
 * listed in the catalogue with the batch ids it holds, then the batches marked done in D1.
 *
 * Exactly once: the catalogue object refuses a part any of whose batches a listed part holds
 * already, in the same single-threaded call that lists it, so a redelivery grouped otherwise
 * cannot list rows twice. Batches the catalogue already covers are skipped before writing; if
 * another delivery lists some of them meanwhile, the rest are written one part per batch. A
 * part written but refused is left unlisted in R2 (nothing reads an unlisted part).
 */
export async function writeEventParts(env: IngestEnv, tenantId: string, applied: AppliedEvents[]): Promise<void> {
  const fresh = applied.filter((a) => a.fresh).flatMap((a) => a.batch.rows);
  if (fresh.length > 0) await requestRefresh(env, tenantId, fresh);
  // One batch may come twice in a queue batch (a replayed request's reference beside the
  // first): its rows go in once.
  const batches = [...new Map(applied.map((a) => [a.batch.batch_id, a.batch])).values()];
  const catalog = catalogObject(env.CATALOG as unknown as DurableObjectNamespace, tenantId);
  const ids = batches.map((b) => b.batch_id);
  const open = new Set(await catalog.uncovered(ids));
  const unlisted = batches.filter((b) => open.has(b.batch_id));
  if (unlisted.length > 0 && !(await listPart(env, catalog, tenantId, unlisted)) && unlisted.length > 1) {
    for (const b of unlisted) await listPart(env, catalog, tenantId, [b]);
  }
  await markPartsDone(env, ids);
}

/**
 * The part of `batches`: named after the one batch (`part-<id>`, as before grouping) or
 * after the sorted ids of all of them, so the same delivery writes the same objects again.
 */
async function listPart(env: IngestEnv, catalog: CatalogObject, tenantId: string, batches: Batch[]): Promise<boolean> {
  const ids = batches.map((b) => b.batch_id).sort();
  const name =
    ids.length === 1 ? `part-${ids[0]}` : `part-g${ids.length}-${(await sha256Hex(ids.join("\n"))).slice(0, 32)}`;
  const byDate = groupBy(
    batches.flatMap((b) => b.rows),
    (r) => partitionDate(r.ts),
  );
  const parts: PartFile[] = [];
  for (const [date, dayRows] of byDate) {
    const key = partKey(tenantId, date, name);
    const buffer = writeEventsParquet(dayRows);
    await env.DATA.put(key, buffer, {
      httpMetadata: { contentType: "application/vnd.apache.parquet" },
      customMetadata: { row_count: String(dayRows.length), batches: String(ids.length) },
    });
    parts.push({ key, date, rows: dayRows.length, bytes: buffer.byteLength });
  }
  return catalog.addParts(tenantId, parts, ids);
}
