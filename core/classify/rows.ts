import { z } from "@hono/zod-openapi";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { writeParquet } from "../parquet/writer";
import { MAX_CATEGORY_LENGTH, MAX_DESCRIPTION, MAX_HEADLINE, type LabelledText } from "./labels";

const blank = (s: string) => s.trim().length === 0;

/**
 * One uploaded labelled row (per-row validation, like event ingestion: a bad row is reported
 * by index and the others are kept). Whether `category` is in the tenant's label set is the
 * route's check: the schema does not know the tenant.
 */
export const labelledRowSchema = z
  .object({
    headline: z
      .string({ error: "headline is required and must be a string" })
      .refine((s) => !blank(s), { message: "headline must not be empty or whitespace" })
      .refine((s) => s.length <= MAX_HEADLINE, { message: `headline must be at most ${MAX_HEADLINE} characters` }),
    short_description: z
      .string({ error: "short_description must be a string" })
      .max(MAX_DESCRIPTION, { message: `short_description must be at most ${MAX_DESCRIPTION} characters` })
      .optional(),
    category: z
      .string({ error: "category is required and must be a string" })
      .refine((s) => !blank(s), { message: "category must not be empty or whitespace" })
      .refine((s) => s.length <= MAX_CATEGORY_LENGTH, {
        message: `category must be at most ${MAX_CATEGORY_LENGTH} characters`,
      }),
  })
  .openapi("LabelledRow");

/** A stored labelled example: the row plus where it came from. */
export type StoredLabelledRow = LabelledText & {
  example_id: string;
  source: "upload" | "feedback";
  created_at: string;
};

const COLUMNS = ["example_id", "headline", "short_description", "category", "source", "created_at"] as const;

/**
 * Labelled rows as one Parquet file (the project's writer: REQUIRED columns, so an absent
 * description is stored as ""). Category, source and dates repeat: the writer dictionary-encodes them.
 */
export function encodeLabelledParquet(rows: readonly StoredLabelledRow[]): Uint8Array {
  const col = (name: (typeof COLUMNS)[number], values: string[]) => ({
    path: [name],
    type: "string" as const,
    values,
  });
  return writeParquet({
    schema: COLUMNS.map((name) => ({ name, type: "BYTE_ARRAY" as const, convertedType: "UTF8" as const })),
    columns: [
      col(
        "example_id",
        rows.map((r) => r.example_id),
      ),
      col(
        "headline",
        rows.map((r) => r.headline),
      ),
      col(
        "short_description",
        rows.map((r) => r.short_description ?? ""),
      ),
      col(
        "category",
        rows.map((r) => r.category),
      ),
      col(
        "source",
        rows.map((r) => r.source),
      ),
      col(
        "created_at",
        rows.map((r) => r.created_at),
      ),
    ],
    keyValues: { "edge-ml.kind": "labelled_text", "edge-ml.version": "1" },
    createdBy: "edge-ml",
  });
}

/** The rows of one labelled Parquet file (hyparquet, the reader the trainer uses for events). */
export async function decodeLabelledParquet(bytes: ArrayBuffer | Uint8Array): Promise<StoredLabelledRow[]> {
  const file =
    bytes instanceof Uint8Array
      ? (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
      : bytes;
  const metadata = parquetMetadata(file);
  const objects = await parquetReadObjects({ file, metadata, columns: [...COLUMNS] });
  return objects.map((o) => {
    const description = String(o.short_description ?? "");
    const row: StoredLabelledRow = {
      example_id: String(o.example_id),
      headline: String(o.headline),
      category: String(o.category),
      source: o.source === "feedback" ? "feedback" : "upload",
      created_at: String(o.created_at),
    };
    if (description) row.short_description = description;
    return row;
  });
}
