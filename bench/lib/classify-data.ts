import { readFileSync } from "node:fs";
import path from "node:path";
import type { LabelledText } from "@edge-ml/core/classify";

/** The shipped news sample (data/news, CC BY 4.0): its headline, description and category. */
export const NEWS_FILE = "data/news/huffpost-news-category-v3-first10000.jsonl";

export function newsRows(file = path.resolve(NEWS_FILE)): LabelledText[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const r = JSON.parse(line) as { headline: string; short_description?: string; category: string };
      return {
        headline: r.headline,
        ...(r.short_description ? { short_description: r.short_description } : {}),
        category: r.category,
      };
    });
}
