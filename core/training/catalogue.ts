import { buildCatalog, catalogKey, type PartFile } from "../ingest/catalog";

/**
 * The one reader of a tenant's training-data catalogue for a job's date range. Both sources
 * have catalog.json's partition shape (core/ingest/catalog.ts buildCatalog): the api reads the
 * rendered catalog.json from R2 (enough for a row count), the dispatcher renders the
 * catalogue object's live parts itself (catalog.json trails them by up to a second, and right
 * after a compaction could still list deleted parts).
 */
export type CataloguePartition = {
  date: string;
  row_count: number;
  files?: { key: string; row_count: number; size_bytes: number }[];
};

/** A Parquet part of a job's range, as the job spec lists it (docs/trainer-contract.md section 1). */
export type CatalogueFile = { key: string; date: string; name: string; row_count: number; size_bytes: number };

/** An inclusive range of days; date-times count by their UTC day. */
export type DayRange = { start_date: string; end_date: string };

/** Whether the day `date` (YYYY-MM-DD) lies in `range`. */
export function dayInRange(date: string, range: DayRange): boolean {
  return date >= range.start_date.slice(0, 10) && date <= range.end_date.slice(0, 10);
}

/** catalog.json's partitions; none before the tenant's first ingest. */
export async function readCatalogJson(bucket: R2Bucket, tenantId: string): Promise<CataloguePartition[]> {
  const obj = await bucket.get(catalogKey(tenantId));
  if (!obj) return [];
  return ((await obj.json()) as { partitions?: CataloguePartition[] }).partitions ?? [];
}

/** The catalogue object's live parts, rendered as catalog.json renders them. */
export function partitionsOf(tenantId: string, parts: readonly PartFile[]): CataloguePartition[] {
  const files = Object.fromEntries(parts.map((p) => [p.key, p]));
  return buildCatalog(tenantId, "", { seq: 0, files }, new Date()).partitions;
}

/** The partitions with a date in `range`, by date. */
export function partitionsInRange<P extends CataloguePartition>(partitions: readonly P[], range: DayRange): P[] {
  return partitions.filter((p) => dayInRange(p.date, range)).sort((a, b) => a.date.localeCompare(b.date));
}

export function rowsInRange(partitions: readonly CataloguePartition[], range: DayRange): number {
  return partitionsInRange(partitions, range).reduce((n, p) => n + p.row_count, 0);
}

/** The files of the range, by date then key. */
export function filesInRange(partitions: readonly CataloguePartition[], range: DayRange): CatalogueFile[] {
  return partitionsInRange(partitions, range).flatMap((p) =>
    [...(p.files ?? [])]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((f) => ({
        key: f.key,
        date: p.date,
        name: f.key.slice(f.key.lastIndexOf("/") + 1),
        row_count: f.row_count,
        size_bytes: f.size_bytes,
      })),
  );
}
