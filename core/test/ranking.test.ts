import { describe, expect, it } from "vitest";
import { popularityIncrement } from "../ingest/popularity";
import { blend } from "../ranking/blend";
import { rankCandidates } from "../ranking/rank";
import { keywordSignal, popularitySignal, searchSignal, titleSignal } from "../ranking/signals";
import { checkWeights, DEFAULT_WEIGHTS, effectiveWeights } from "../ranking/weights";
import { profileVector, seedItems, type HistoryEvent } from "../recommend/profile";
import { ftsQuery } from "../text/fts-query";

describe("ranking weights and blend", () => {
  it("uses the contract's weights when every signal exists and rescales the rest otherwise", () => {
    expect(effectiveWeights(DEFAULT_WEIGHTS, { search: true, cf: true })).toEqual([0.4, 0.3, 0.2, 0.1]);
    const noUser = effectiveWeights(DEFAULT_WEIGHTS, { search: true, cf: false });
    expect(noUser[1]).toBe(0);
    expect(noUser.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(noUser[0] / noUser[2]).toBeCloseTo(2, 12);
    const cold = effectiveWeights(DEFAULT_WEIGHTS, { search: false, cf: false });
    expect(cold[2]).toBeCloseTo(2 / 3, 12);
    expect(cold[3]).toBeCloseTo(1 / 3, 12);
  });

  it("score is exactly the weighted sum of the breakdown it reports", () => {
    const b = blend({ search: 0.7, cf: 0.5, popularity: 0.9, freshness: 0.3 }, DEFAULT_WEIGHTS, {
      search: true,
      cf: true,
    });
    const [ws, wc, wp, wf] = b.weights;
    const { search_score: s, cf_score: c, popularity_score: p, freshness_score: f } = b.breakdown;
    expect(b.score).toBe(ws * s + wc * c + wp * p + wf * f);
  });

  it("gates popularity by relevance: a popular item without relevance cannot beat a relevant one", () => {
    const ranked = rankCandidates(
      [
        { id: "popular", signals: { search: 0.05, popularity: 1, freshness: 1 } },
        { id: "relevant", signals: { search: 0.9, popularity: 0, freshness: 1 } },
      ],
      DEFAULT_WEIGHTS,
      { search: true, cf: false },
    );
    expect(ranked.map((r) => r.id)).toEqual(["relevant", "popular"]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2]);
  });

  it("refuses weights a variant could send by mistake", () => {
    expect(checkWeights([0.4, 0.3, 0.2])).toMatch(/4 numbers/);
    expect(checkWeights([0.4, -0.3, 0.2, 0.1])).toMatch(/non-negative/);
    expect(checkWeights([0, 0, 0, 0])).toMatch(/not all be 0/);
    expect(checkWeights([0.3, 0.4, 0.2, 0.1])).toBeUndefined();
  });
});

describe("signals", () => {
  it("keyword: BM25 relative to the best match (FTS5 scores are negative)", () => {
    expect(keywordSignal(-8, -8)).toBe(1);
    expect(keywordSignal(-4, -8)).toBe(0.5);
    expect(keywordSignal(undefined, -8)).toBe(0);
  });

  it("title: 1 only for the query's exact words", () => {
    const q = new Set(["joust", "duffle", "bag"]);
    expect(titleSignal(q, "Joust Duffle Bag")).toBe(1);
    expect(titleSignal(q, "Joust Duffle Bag XL")).toBe(0.75);
    expect(titleSignal(q, "Something else")).toBe(0);
  });

  it("search signal stays within 0..1", () => {
    expect(searchSignal({ keyword: 1, vector: 1, title: 1 })).toBe(1);
    expect(searchSignal({ keyword: 0, vector: 0, title: 0 })).toBe(0);
  });

  it("popularity: log scale relative to the tenant's top item, 0 without events", () => {
    const now = Date.UTC(2026, 10, 1);
    const top = popularityIncrement(100, now);
    expect(popularitySignal(top, top, now)).toBeCloseTo(1, 12);
    expect(popularitySignal(0, top, now)).toBe(0);
    const half = popularitySignal(popularityIncrement(50, now), top, now);
    expect(half).toBeGreaterThan(0.5);
    expect(half).toBeLessThan(1);
  });
});

describe("user profile", () => {
  const vec: Record<string, number[]> = { a: [1, 0], b: [0, 1], c: [1, 1] };
  const h = (itemId: string, type: HistoryEvent["type"], ts: number): HistoryEvent => ({ itemId, type, ts });

  it("is the label- and recency-weighted mean of the user's items, unit length", () => {
    const p = profileVector([h("a", "purchase", 1000), h("b", "view", 1000)], (id) => vec[id], 2)!;
    expect(Math.hypot(p[0]!, p[1]!)).toBeCloseTo(1, 6);
    expect(p[0]!).toBeGreaterThan(p[1]!); // a purchase outweighs a view
  });

  it("a dislike pushes away; nothing positive means a cold user", () => {
    expect(profileVector([h("a", "dislike", 1)], (id) => vec[id], 2)).toBeUndefined();
    expect(profileVector([], (id) => vec[id], 2)).toBeUndefined();
    const p = profileVector([h("c", "click", 2), h("a", "dislike", 2)], (id) => vec[id], 2)!;
    expect(p[1]!).toBeGreaterThan(p[0]!);
  });

  it("seeds are recent distinct interests (a dislike never seeds)", () => {
    const history = [h("a", "purchase", 3), h("b", "dislike", 2), h("c", "click", 1), h("c", "view", 0)];
    expect(seedItems(history, 3)).toEqual(["a", "c"]);
  });
});

describe("FTS5 query", () => {
  it("quotes every word, so no input is read as FTS5 syntax", () => {
    expect(ftsQuery('bag" AND title:* NEAR(')).toEqual({
      all: '"bag" AND "title" AND "near"',
      any: '"bag" OR "title" OR "near"',
      words: ["bag", "title", "near"],
    });
    expect(ftsQuery("  !!  ")).toBeUndefined();
  });

  it("drops stopwords and one-letter words, unless nothing else is left", () => {
    expect(ftsQuery("a backpack for the travel")?.words).toEqual(["backpack", "travel"]);
    expect(ftsQuery("for the")?.any).toBe('"for" OR "the"');
    expect(ftsQuery("x")?.all).toBe('"x"');
  });
});
