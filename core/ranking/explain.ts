import type { Blended } from "./blend";

const STRONG = 0.6;
const SOME = 0.25;

/**
 * A sentence a merchant can read, generated from the same breakdown that produced the
 * score: the signals that contributed most, named by strength.
 */
export function explanationSentence(b: Blended, extra: { exactTitle?: boolean; keyword?: boolean } = {}): string {
  const parts: { text: string; weight: number }[] = [];
  const [ws, wc, wp, wf] = b.weights;
  const { search_score: s, cf_score: c, popularity_score: p, freshness_score: f } = b.breakdown;
  if (ws > 0) {
    if (extra.exactTitle) parts.push({ text: "exact title match", weight: ws * s + 1 });
    else if (s >= STRONG)
      parts.push({ text: extra.keyword ? "strong keyword match" : "strong text match", weight: ws * s });
    else if (s >= SOME) parts.push({ text: extra.keyword ? "partial keyword match" : "related text", weight: ws * s });
    else parts.push({ text: "weak match to the query", weight: ws * s });
  }
  if (wc > 0 && c >= SOME) {
    parts.push({
      text: c >= STRONG ? "high affinity with the user's interests" : "some affinity with the user's interests",
      weight: wc * c,
    });
  }
  if (wp > 0 && p >= SOME) parts.push({ text: p >= STRONG ? "popular" : "moderately popular", weight: wp * p });
  if (wf > 0 && f >= STRONG) parts.push({ text: "recently added", weight: wf * f });
  if (parts.length === 0) return "Ranked by popularity and freshness only: no strong signal for this item";
  parts.sort((x, y) => y.weight - x.weight);
  const text = parts.map((x) => x.text).join(" + ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
