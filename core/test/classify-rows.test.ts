import { describe, expect, it } from "vitest";
import { parquetReadObjects } from "hyparquet";
import {
  DEFAULT_CATEGORIES,
  decodeLabelledParquet,
  encodeLabelledParquet,
  labelledRowSchema,
  MAX_DESCRIPTION,
  MAX_HEADLINE,
  type StoredLabelledRow,
} from "../classify";

const firstIssue = (v: unknown) => {
  const r = labelledRowSchema.safeParse(v);
  return r.success ? null : { path: r.error.issues[0]!.path.join("."), message: r.error.issues[0]!.message };
};

describe("labelled rows (core/classify/rows.ts)", () => {
  it("the default label set is the contract's 41 categories in its order", () => {
    expect(DEFAULT_CATEGORIES).toHaveLength(41);
    expect(new Set(DEFAULT_CATEGORIES).size).toBe(41);
    expect([DEFAULT_CATEGORIES[0], DEFAULT_CATEGORIES[9], DEFAULT_CATEGORIES[40]]).toEqual([
      "POLITICS",
      "BUSINESS",
      "EDUCATION",
    ]);
  });

  it("validates each row: headline non-blank and at most 500, description at most 2,000, category non-blank", () => {
    expect(firstIssue({ headline: "Budget passes", category: "POLITICS" })).toBeNull();
    expect(firstIssue({ headline: "x".repeat(MAX_HEADLINE), short_description: "y".repeat(MAX_DESCRIPTION), category: "A" })).toBeNull(); // prettier-ignore
    expect(firstIssue({ headline: "   ", category: "A" })).toEqual({
      path: "headline",
      message: "headline must not be empty or whitespace",
    });
    expect(firstIssue({ headline: "x".repeat(MAX_HEADLINE + 1), category: "A" })).toEqual({
      path: "headline",
      message: "headline must be at most 500 characters",
    });
    expect(firstIssue({ headline: "h", short_description: "y".repeat(MAX_DESCRIPTION + 1), category: "A" })?.path).toBe(
      "short_description",
    );
    expect(firstIssue({ headline: "h", category: "" })?.message).toBe("category must not be empty or whitespace");
    expect(firstIssue({ category: "A" })?.message).toBe("headline is required and must be a string");
    expect(firstIssue({ headline: "h", category: 3 })?.path).toBe("category");
  });

  it("round-trip through the project's Parquet writer; hyparquet reads the same columns", async () => {
    const rows: StoredLabelledRow[] = [
      { example_id: "e1", headline: "Budget passes", short_description: "After a night", category: "POLITICS", source: "upload", created_at: "2026-01-01T00:00:00.000Z" },
      { example_id: "e2", headline: "Café – “quotes” 🚀", category: "FOOD & DRINK", source: "feedback", created_at: "2026-01-02T00:00:00.000Z" },
    ]; // prettier-ignore
    const bytes = encodeLabelledParquet(rows);
    expect(await decodeLabelledParquet(bytes)).toEqual(rows);
    const objects = await parquetReadObjects({ file: bytes.slice().buffer as ArrayBuffer });
    expect(objects[1]).toMatchObject({ headline: "Café – “quotes” 🚀", short_description: "", source: "feedback" });
    expect(await decodeLabelledParquet(encodeLabelledParquet([]))).toEqual([]);
  });
});
