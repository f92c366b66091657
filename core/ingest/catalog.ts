import { groupBy } from "../util/group-by";
import { TRAINING_SCHEMA_VERSION } from "./parquet";

/** One Parquet part file under tenants/{tenant}/training_data/{date}/. */
export type PartFile = { key: string; date: string; rows: number; bytes: number };

export type CatalogState = { seq: number; files: Record<string, PartFile>; retired?: Record<string, true> };

/**
 * catalog.json as in platform-api.md section 3, plus per-partition `size_bytes` and the
 * `files` list (the catalogue is the authority on which parts are live: a compaction's
 * inputs leave it in the same update that adds their merged output).
 */
export function buildCatalog(tenantId: string, bucket: string, state: CatalogState, now: Date) {
  const byDate = groupBy(Object.values(state.files), (f) => f.date);
  const partitions = [...byDate.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, files]) => {
      const bytes = files.reduce((n, f) => n + f.bytes, 0);
      return {
        date,
        path: `s3://${bucket}/tenants/${tenantId}/training_data/${date}/`,
        row_count: files.reduce((n, f) => n + f.rows, 0),
        file_size_mb: Math.round((bytes / 1024 / 1024) * 1e6) / 1e6,
        size_bytes: bytes,
        files: files
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((f) => ({ key: f.key, row_count: f.rows, size_bytes: f.bytes })),
      };
    });
  return {
    tenant_id: tenantId,
    data_version: `v1.0.${state.seq}`,
    partitions,
    schema_version: TRAINING_SCHEMA_VERSION,
    updated_at: now.toISOString(),
  };
}

export function catalogKey(tenantId: string): string {
  return `tenants/${tenantId}/catalog.json`;
}

export function partKey(tenantId: string, date: string, name: string): string {
  return `tenants/${tenantId}/training_data/${date}/${name}.parquet`;
}
