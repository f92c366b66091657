import { describe, expect, it } from "vitest";
import {
  classificationMetrics,
  evaluateClassifier,
  expectedCalibrationError,
  splitStratified,
  trainClassifier,
} from "../classify";
import { plantedTexts, SMALL } from "./classify-world";

describe("classification metrics (core/classify/metrics.ts)", () => {
  it("match a hand-computed confusion matrix; macro over the classes seen in truth or predictions", () => {
    // truth A A B B C, predicted A B B B A:
    //   A: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
    //   B: tp 2, predicted 3, support 2 -> P 2/3, R 1,   F1 4/5
    //   C: tp 0, predicted 0, support 1 -> P 0,   R 0,   F1 0
    //   D: in the label set, never seen -> not in the means
    const m = classificationMetrics(["A", "A", "B", "B", "C"], ["A", "B", "B", "B", "A"], ["A", "B", "C", "D"]);
    expect(m.confusion).toEqual({
      labels: ["A", "B", "C", "D"],
      matrix: [
        [1, 1, 0, 0],
        [0, 2, 0, 0],
        [1, 0, 0, 0],
        [0, 0, 0, 0],
      ],
    });
    expect(m.accuracy).toBeCloseTo(3 / 5, 12);
    expect(m.precision).toBeCloseTo((1 / 2 + 2 / 3 + 0) / 3, 12);
    expect(m.recall).toBeCloseTo((1 / 2 + 1 + 0) / 3, 12);
    expect(m.f1_score).toBeCloseTo((1 / 2 + 4 / 5 + 0) / 3, 12);
    expect(m.per_category.B).toEqual({ precision: 2 / 3, recall: 1, f1_score: 0.8, support: 2 });
    expect(m.per_category.D).toBeUndefined();
    expect(m.sample_count).toBe(5);
  });

  it("add a category seen only in the truth or the predictions to the confusion labels", () => {
    const m = classificationMetrics(["A", "X"], ["Y", "A"], ["A"]);
    expect(m.confusion.labels).toEqual(["A", "X", "Y"]);
    expect(m.accuracy).toBe(0);
  });

  it("expected calibration error: |accuracy - confidence| per bin, weighted by the bin's share", () => {
    // Bin [0.8, 0.867): 2 rows at 0.85, one right -> |0.5 - 0.85| x 2/4; bin of 0.95: 2 right -> |1 - 0.95| x 2/4.
    expect(expectedCalibrationError([0.85, 0.85, 0.95, 0.95], [true, false, true, true])).toBeCloseTo(
      0.35 * 0.5 + 0.05 * 0.5,
      12,
    );
    expect(expectedCalibrationError([], [])).toBe(0);
  });

  it("evaluateClassifier counts a category the model does not know as a miss", async () => {
    const classes = ["A", "B"];
    const rows = plantedTexts({ classes, perClass: [30, 30], signal: 3, noise: 2, seed: 21 });
    const { model } = await trainClassifier(rows, { labels: classes, features: SMALL });
    const m = evaluateClassifier(model, [...rows.slice(0, 4), { headline: rows[0]!.headline, category: "NEW" }]);
    expect(m.confusion.labels).toEqual(["A", "B", "NEW"]);
    expect(m.per_category.NEW!.recall).toBe(0);
    expect(m.sample_count).toBe(5);
  });
});

describe("splitStratified", () => {
  const rows = plantedTexts({ classes: ["A", "B", "C"], perClass: [50, 20, 1], signal: 2, noise: 2, seed: 31 });

  it("holds out the share of every category (one-row categories stay in training), the same in any order", () => {
    const { train, test } = splitStratified(rows, 0.2, 7);
    const count = (list: typeof rows, c: string) => list.filter((r) => r.category === c).length;
    expect([count(test, "A"), count(test, "B"), count(test, "C")]).toEqual([10, 4, 0]);
    expect(train.length + test.length).toBe(rows.length);
    const reversed = splitStratified([...rows].reverse(), 0.2, 7);
    expect(new Set(reversed.test.map((r) => r.headline))).toEqual(new Set(test.map((r) => r.headline)));
    const other = splitStratified(rows, 0.2, 8);
    expect(new Set(other.test.map((r) => r.headline))).not.toEqual(new Set(test.map((r) => r.headline)));
  });

  it("keys stored rows by their id, so editing a text does not move it", () => {
    const stored = rows.map((r, i) => ({ ...r, example_id: `ex-${i}` }));
    const edited = stored.map((r) => ({ ...r, headline: `${r.headline} edited` }));
    const ids = (list: typeof stored) => list.map((r) => r.example_id).sort();
    expect(ids(splitStratified(edited, 0.2, 7).test)).toEqual(ids(splitStratified(stored, 0.2, 7).test));
  });
});
