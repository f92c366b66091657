import { describe, expect, it } from "vitest";
import {
  ClassifierDataError,
  evaluateClassifier,
  expectedCalibrationError,
  predictText,
  SEARCH_SPACE,
  trainClassifier,
  type ClassifierModel,
  type LabelledText,
} from "../classify";
import { plantedTexts, SMALL } from "./classify-world";

const ece = (model: ClassifierModel, rows: LabelledText[]) => {
  const p = rows.map((r) => predictText(model, r));
  return expectedCalibrationError(
    p.map((x) => x.confidence),
    p.map((x, i) => x.category === rows[i]!.category),
  );
};

describe("trainClassifier (core/classify/train.ts)", () => {
  it("learns a planted separable world to ~100% on fresh texts, reporting each epoch of the shipped fit", async () => {
    const classes = ["A", "B", "C", "D"];
    const world = { classes, perClass: [60, 60, 60, 60], signal: 3, noise: 5 };
    const train = plantedTexts({ ...world, seed: 1 });
    const test = plantedTexts({ ...world, seed: 2 });
    const epochs: number[] = [];
    const { model, metrics, tuning } = await trainClassifier(train, {
      labels: [...classes, "NO ROWS"],
      features: SMALL,
      onEpoch: (e) => void epochs.push(e.epoch),
    });
    expect(evaluateClassifier(model, test).accuracy).toBeGreaterThanOrEqual(0.98);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(metrics.train_size).toBe(240);
    expect(metrics.validation_size).toBe(36);
    const chosen = tuning.chosen as { epochs: number };
    expect(epochs).toEqual(Array.from({ length: chosen.epochs }, (_, i) => i + 1));
    // A label without rows stays in the model's label set, with probability 0.
    expect(model.labels).toEqual([...classes, "NO ROWS"]);
    const p = predictText(model, test[0]!);
    expect(p.probabilities.find((x) => x.category === "NO ROWS")!.probability).toBe(0);
    expect(p.probabilities.reduce((sum, x) => sum + x.probability, 0)).toBeCloseTo(1, 9);
  });

  it("honours the given epochs, batch size and learning rate (nothing searched for them)", async () => {
    const rows = plantedTexts({ classes: ["A", "B"], perClass: [40, 40], signal: 2, noise: 3, seed: 3 });
    const reports: number[] = [];
    const { tuning } = await trainClassifier(rows, {
      labels: ["A", "B"],
      features: SMALL,
      epochs: 4,
      batch_size: 8,
      learning_rate: 0.3,
      onEpoch: (e) => void reports.push(e.total_epochs),
    });
    expect(tuning.chosen).toMatchObject({ epochs: 4, batch_size: 8, learning_rate: 0.3 });
    // Only the L2 strength, which the contract's config does not name, is still searched.
    const trials = tuning.trials as { learning_rate: number; epochs: number; l2: number }[];
    expect(trials.map((t) => [t.learning_rate, t.epochs])).toEqual(trials.map(() => [0.3, 4]));
    expect(new Set(trials.map((t) => t.l2)).size).toBe(SEARCH_SPACE.l2.length);
    expect(tuning.searched).toEqual({ learning_rate: false, l2: true, epochs: false });
    expect(reports).toEqual([4, 4, 4, 4]);
  });

  it("class weights raise a skewed set's macro recall (measured against the unweighted fit)", async () => {
    const classes = ["MAJOR", "minor1", "minor2"];
    // Weak signal (one class word among many shared ones): unweighted, the minorities lose.
    const world = { classes, signal: 1, noise: 8 };
    const train = plantedTexts({ ...world, perClass: [400, 20, 20], seed: 4 });
    const test = plantedTexts({ ...world, perClass: [100, 100, 100], seed: 5 });
    const fit = (cap: number) =>
      trainClassifier(train, {
        labels: classes,
        features: SMALL,
        class_weight_cap: cap,
        epochs: 8,
        learning_rate: 0.5,
      });
    const weighted = evaluateClassifier((await fit(10)).model, test);
    const unweighted = evaluateClassifier((await fit(1)).model, test);
    expect(weighted.recall).toBeGreaterThan(unweighted.recall + 0.05);
    expect(weighted.per_category.minor1!.recall).toBeGreaterThan(unweighted.per_category.minor1!.recall);
  });

  it("temperature scaling lowers the calibration error of an over-confident fit on unseen rows", async () => {
    const classes = ["A", "B", "C"];
    // 35% of labels random: a long, unregularised fit memorises them and is over-confident.
    const world = { classes, perClass: [150, 150, 150], signal: 2, noise: 4, flip: 0.35 };
    const { model, metrics } = await trainClassifier(plantedTexts({ ...world, seed: 6 }), {
      labels: classes,
      features: SMALL,
      epochs: 40,
      learning_rate: 2,
      l2: 1e-9,
      validation_share: 0.3,
    });
    const test = plantedTexts({ ...world, seed: 7 });
    expect(metrics.temperature).toBeGreaterThan(1);
    expect(metrics.ece).toBeLessThan(metrics.ece_uncalibrated);
    const raw = ece({ ...model, temperature: 1 }, test);
    expect(ece(model, test)).toBeLessThan(raw * 0.7);
  });

  it("refuses data it cannot learn from with ClassifierDataError and a sentence", async () => {
    const opts = { labels: ["A", "B"], features: SMALL };
    await expect(trainClassifier([], opts)).rejects.toThrow(ClassifierDataError);
    await expect(trainClassifier([], opts)).rejects.toThrow(/no labelled data/);
    const oneClass = [
      { headline: "one", category: "A" },
      { headline: "two", category: "A" },
    ];
    await expect(trainClassifier(oneClass, opts)).rejects.toThrow(/single category \(A\)/);
    await expect(trainClassifier([{ headline: "x", category: "Z" }], opts)).rejects.toThrow(
      /none of the 1 labelled rows has a category in the label set/,
    );
    // A second class outside the label set does not count.
    await expect(trainClassifier([...oneClass, { headline: "z", category: "Z" }], opts)).rejects.toThrow(
      ClassifierDataError,
    );
    await expect(trainClassifier(oneClass, { ...opts, epochs: 0 })).rejects.toThrow(
      /epochs must be a positive integer/,
    );
  });
});
