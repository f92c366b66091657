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
