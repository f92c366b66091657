import { parquetReadObjects } from "hyparquet";
import { sha256Hex } from "@edge-ml/core/auth";
import { partKey, type PartFile } from "@edge-ml/core/ingest/catalog";
import { writeTrainingParquet, type TrainingRow } from "@edge-ml/core/ingest/parquet";
import { groupBy } from "@edge-ml/core/util/group-by";

/** A day is compacted once it has this many parts; one merge reads at most MAX_INPUT_BYTES. */
export const MIN_PARTS = 4;
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

/**
 * Merges a day's small part files into one. Order of effects, each safe to repeat: the
 * merged file (named after its inputs) is written, the catalogue swaps inputs for it in one
 * update, then the inputs are deleted. A crash before the swap leaves an unlisted file that
 * the next run overwrites; after it, inputs that the next run deletes again.
 */
export async function compactTenant(env: IngestEnv, tenantId: string, minParts = MIN_PARTS): Promise<number> {
  const catalog = env.CATALOG.get(env.CATALOG.idFromName(tenantId));
  const byDate = groupBy(await catalog.parts(), (p) => p.date);
  let merged = 0;
  for (const [date, parts] of byDate) {
    const inputs: PartFile[] = [];
    let bytes = 0;
    for (const p of parts.sort((a, b) => a.bytes - b.bytes)) {
      if (bytes + p.bytes > MAX_INPUT_BYTES && inputs.length >= 2) break;
      inputs.push(p);
      bytes += p.bytes;
    }
    if (inputs.length < minParts) continue;
    const rows: TrainingRow[] = [];
    for (const p of inputs) {
      const obj = await env.DATA.get(p.key);
      if (!obj) throw new Error(`catalogued part ${p.key} is missing from R2`);
      // One by one: spreading a part's rows into push() overflows the stack on large parts.
      for (const row of (await parquetReadObjects({ file: await obj.arrayBuffer() })) as TrainingRow[]) rows.push(row);
    }
    const name = `compact-${(
      await sha256Hex(
        inputs
          .map((p) => p.key)
          .sort()
          .join("\n"),
      )
    ).slice(0, 24)}`;
    const key = partKey(tenantId, date, name);
    const buffer = writeTrainingParquet(rows);
    await env.DATA.put(key, buffer, {
      httpMetadata: { contentType: "application/vnd.apache.parquet" },
      customMetadata: { row_count: String(rows.length), compacted_from: String(inputs.length) },
    });
    const swapped = await catalog.replaceParts(
      tenantId,
      inputs.map((p) => p.key),
      { key, date, rows: rows.length, bytes: buffer.byteLength },
    );
    if (swapped) await env.DATA.delete(inputs.map((p) => p.key));
    merged++;
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
      console.error(
        JSON.stringify({
          level: "ERROR",
          service: "ingest",
          message: "Compaction failed",
          context: { tenant_id: id, error: String(e) },
        }),
      );
    }
  }
}
