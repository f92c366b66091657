import { describe, expect, it } from "vitest";
import { ClassifierArtifactError, decodeClassifier, encodeClassifier, predictText, trainClassifier } from "../classify";
import { plantedTexts, SMALL } from "./classify-world";

describe("the classifier artifact (classifier.bin)", async () => {
  const classes = ["A", "B", "C"];
  const rows = plantedTexts({ classes, perClass: [40, 40, 40], signal: 2, noise: 4, flip: 0.1, seed: 11 });
  const { model } = await trainClassifier(rows, { labels: classes, features: SMALL, epochs: 3, learning_rate: 0.5 });
  const probe = plantedTexts({ classes, perClass: [10, 10, 10], signal: 1, noise: 5, seed: 12 });

  it("round-trips: identical weights, idf, temperature and predictions, bit for bit", () => {
    const bytes = encodeClassifier(model);
    const back = decodeClassifier(bytes);
    expect(back.labels).toEqual(model.labels);
    expect(back.features).toEqual(model.features);
    expect(back.temperature).toBe(model.temperature);
    expect(Array.from(back.weights)).toEqual(Array.from(model.weights));
    expect(Array.from(back.idf!)).toEqual(Array.from(model.idf!));
    for (const r of probe) expect(predictText(back, r)).toEqual(predictText(model, r));
    // Float32 weights plus a small header: no more than the floats and a kilobyte.
    expect(bytes.length).toBeLessThan(4 * (model.weights.length + model.bias.length + model.idf!.length) + 1024);
  });

  it("decodes from an ArrayBuffer and from a view at an odd offset (copied, not misaligned)", () => {
    const bytes = encodeClassifier(model);
    const fromBuffer = decodeClassifier(bytes.slice().buffer);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const fromOdd = decodeClassifier(shifted.subarray(1));
    for (const r of probe.slice(0, 5)) {
      expect(predictText(fromBuffer, r)).toEqual(predictText(model, r));
      expect(predictText(fromOdd, r)).toEqual(predictText(model, r));
    }
  });

  it("refuses bytes that are not a classifier artifact, or a truncated one", () => {
    const bytes = encodeClassifier(model);
    expect(() => decodeClassifier(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))).toThrow(/bad magic/);
    expect(() => decodeClassifier(bytes.subarray(0, bytes.length - 4))).toThrow(ClassifierArtifactError);
    expect(() => decodeClassifier(bytes.subarray(0, 8))).toThrow(/truncated/);
  });

  it("predicts calibrated probabilities over every label, largest first, summing to 1", () => {
    const p = predictText(model, probe[0]!);
    expect(p.probabilities.map((x) => x.category).sort()).toEqual(classes);
    const values = p.probabilities.map((x) => x.probability);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    expect(p.confidence).toBe(values[0]);
    expect(p.category).toBe(p.probabilities[0]!.category);
  });
});
