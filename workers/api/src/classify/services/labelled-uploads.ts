import { and, eq } from "drizzle-orm";
import { sha256Hex } from "@edge-ml/core/auth";
import { encodeLabelledParquet, labelledRowSchema, type StoredLabelledRow } from "@edge-ml/core/classify/rows";
import { labelledUploads } from "@edge-ml/core/db/schema";
import { ApiError } from "@edge-ml/core/errors";
import { MAX_BULK_ROWS } from "@edge-ml/core/schemas";
import type { Db } from "../../lib/db";
import type { LabelSet } from "./labels";

/**
 * Labelled examples (docs/decisions.md "Text classification"): an upload is validated row by
 * row, like event ingestion, and its accepted rows are written once as one Parquet file under
 * `tenants/{tenant}/classifier/training_data/{upload_id}.parquet`. The upload id is the hash of
 * the tenant and the accepted rows, so a retry (or the same file sent twice) finds its row and
 * writes nothing; the R2 object is written before the D1 row, so a row always has its file.
 */
export type RowError = { index: number; field?: string; error: string };

export const uploadKey = (tenantId: string, id: string) => `tenants/${tenantId}/classifier/training_data/${id}.parquet`;

/** The body's rows: a JSON array (or `{ "rows": [...] }`), or JSON lines (one object a line). */
export function parseRows(text: string, contentType: string): unknown[] {
  const trimmed = text.trim();
  if (!trimmed) throw new ApiError("validation", "The body holds no rows", { field: "body", reason: "empty" });
  const ndjson = /ndjson|jsonl|json-seq/i.test(contentType) || !/^[[{]/.test(trimmed) || isJsonLines(trimmed);
  if (!ndjson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new ApiError("validation", "The body is not valid JSON", { field: "body", reason: "invalid JSON" });
    }
    if (Array.isArray(parsed)) return parsed;
    const rows = (parsed as { rows?: unknown }).rows;
    if (Array.isArray(rows)) return rows;
    // A single object is a one-line JSON-lines body.
    return [parsed];
  }
  return trimmed.split(/\r?\n/).flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      throw new ApiError("validation", `Line ${i + 1} is not valid JSON`, {
        field: `line ${i + 1}`,
        reason: "invalid JSON",
      });
    }
  });
}

/** Several top-level objects, one per line. */
function isJsonLines(text: string): boolean {
  if (!text.startsWith("{")) return false;
  const firstBreak = text.indexOf("\n");
  if (firstBreak < 0) return false;
  try {
    JSON.parse(text.slice(0, firstBreak));
    return true;
  } catch {
    return false;
  }
}

export type ValidatedRows = { rows: Omit<StoredLabelledRow, "example_id" | "created_at">[]; errors: RowError[] };

/** Each row on its own: the schema's checks, then the label set. */
export function validateRows(raw: unknown[], labels: LabelSet): ValidatedRows {
  if (raw.length > MAX_BULK_ROWS) {
    throw new ApiError("payload_too_large", `At most ${MAX_BULK_ROWS} rows per upload; split it`, {
      field: "rows",
      max_rows: MAX_BULK_ROWS,
      rows: raw.length,
    });
  }
  const allowed = new Set(labels.labels);
  const rows: ValidatedRows["rows"] = [];
  const errs: RowError[] = [];
  raw.forEach((r, index) => {
    const parsed = labelledRowSchema.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      errs.push({ index, field: issue.path.map(String).join(".") || undefined, error: issue.message });
      return;
    }
    const { headline, short_description, category } = parsed.data;
    if (!allowed.has(category)) {
      errs.push({ index, field: "category", error: `category '${category}' is not in the tenant's label set` });
      return;
    }
    rows.push({ headline, ...(short_description ? { short_description } : {}), category, source: "upload" });
  });
  return { rows, errors: errs };
}

export type StoredUpload = { id: string; key: string; stored: boolean };

export async function storeUpload(
  env: Pick<ApiEnv, "DATA">,
  db: Db,
  tenantId: string,
  rows: ValidatedRows["rows"],
): Promise<StoredUpload> {
  const id = (await sha256Hex(`${tenantId}\n${JSON.stringify(rows)}`)).slice(0, 32);
  const key = uploadKey(tenantId, id);
  const [existing] = await db
    .select({ id: labelledUploads.id })
    .from(labelledUploads)
    .where(and(eq(labelledUploads.tenantId, tenantId), eq(labelledUploads.id, id)));
  if (existing) return { id, key, stored: false };
  const createdAt = new Date().toISOString();
  const stored: StoredLabelledRow[] = rows.map((r, i) => ({ ...r, example_id: `${id}-${i}`, created_at: createdAt }));
  const bytes = encodeLabelledParquet(stored);
  await env.DATA.put(key, bytes, { httpMetadata: { contentType: "application/vnd.apache.parquet" } });
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.category] = (counts[r.category] ?? 0) + 1;
  const inserted = await db
    .insert(labelledUploads)
    .values({
      tenantId,
      id,
      r2Key: key,
      rowCount: rows.length,
      sizeBytes: bytes.byteLength,
      categoryCounts: counts,
      createdAt,
    })
    .onConflictDoNothing()
    .returning({ id: labelledUploads.id });
  return { id, key, stored: inserted.length > 0 };
}

export async function uploadsOf(db: Db, tenantId: string) {
  return db
    .select()
    .from(labelledUploads)
    .where(eq(labelledUploads.tenantId, tenantId))
    .orderBy(labelledUploads.createdAt, labelledUploads.id);
}
