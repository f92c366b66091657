import { describe, expect, it } from "vitest";
import { overlapAtK, percentile, rankBiasedOverlap } from "../experiments/rankings";

describe("ranking comparisons", () => {
  it("overlap@k counts the shared top-k items", () => {
    expect(overlapAtK(["a", "b", "c"], ["c", "b", "a"], 3)).toBe(1);
    expect(overlapAtK(["a", "b", "c", "d"], ["a", "x", "y", "b"], 2)).toBe(0.5);
    expect(overlapAtK([], [], 5)).toBe(1);
  });

  it("RBO is 1 for identical lists, 0 for disjoint ones, and weights the top", () => {
    const list = ["a", "b", "c", "d", "e"];
    expect(rankBiasedOverlap(list, list)).toBeCloseTo(1, 12);
    expect(rankBiasedOverlap(list, ["v", "w", "x", "y", "z"])).toBe(0);
    const swapTop = rankBiasedOverlap(list, ["b", "a", "c", "d", "e"]);
    const swapBottom = rankBiasedOverlap(list, ["a", "b", "c", "e", "d"]);
    expect(swapTop).toBeLessThan(swapBottom);
    expect(swapBottom).toBeLessThan(1);
    // By hand, depth 2 ["a","b"] vs ["a","c"]: A1 = 1, A2 = 1/2: 0.1 * (1 + 0.9 * 0.5) + 0.81 * 0.5.
    expect(rankBiasedOverlap(["a", "b"], ["a", "c"])).toBeCloseTo(0.1 * 1.45 + 0.405, 12);
  });

  it("percentile by nearest rank", () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile([], 50)).toBe(0);
  });
});

describe("comparing a candidate's list with production's", () => {
  it("reports overlap, RBO, the mean score shift over shared items and a changed top item", async () => {
    const { compareLists } = await import("../experiments/rankings");
    const prod = [
      { id: "a", score: 0.9 },
      { id: "b", score: 0.8 },
      { id: "c", score: 0.7 },
    ];
    const cand = [
      { id: "b", score: 0.95 },
      { id: "a", score: 0.85 },
      { id: "z", score: 0.5 },
    ];
    const c = compareLists(prod, cand, 3);
    expect(c.overlap_at_k).toBeCloseTo(2 / 3, 12);
    expect(c.rbo).toBeCloseTo(rankBiasedOverlap(["a", "b", "c"], ["b", "a", "z"]), 12);
    expect(c.score_shift).toBeCloseTo((0.15 - 0.05) / 2, 12);
    expect(c.top_differs).toBe(true);
    expect(compareLists(prod, prod, 3)).toEqual({
      overlap_at_k: 1,
      rbo: expect.closeTo(1, 12),
      score_shift: 0,
      top_differs: false,
    });
    expect(compareLists(prod, [{ id: "q", score: 1 }], 3).score_shift).toBeNull();
  });
});
