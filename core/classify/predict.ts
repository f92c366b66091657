import { featurizerOf, logitsInto, softmaxInPlace, type ClassifierModel } from "./model";

export type Prediction = {
  category: string;
  confidence: number;
  /** Every label's calibrated probability, largest first. */
  probabilities: { category: string; probability: number }[];
};

const scratch = { z: new Float64Array(64) };

/**
 * One text's calibrated class probabilities (softmax of logits / the fitted temperature).
 * Cost: featurising (a few hundred hashed n-grams) plus nnz x K multiply-adds; the only
 * allocations are the lowercased strings and the answer.
 */
export function predictText(
  model: ClassifierModel,
  text: { headline: string; short_description?: string; embedding?: ArrayLike<number> },
): Prediction {
  const k = model.labels.length;
  if (scratch.z.length < k) scratch.z = new Float64Array(k);
  const x = featurizerOf(model).featurize(text.headline, text.short_description, text.embedding);
  const z = logitsInto(model.weights, model.bias, x, scratch.z);
  softmaxInPlace(z, k, model.temperature);
  const probabilities = new Array<{ category: string; probability: number }>(k);
  for (let c = 0; c < k; c++) probabilities[c] = { category: model.labels[c]!, probability: z[c]! };
  probabilities.sort((a, b) => b.probability - a.probability);
  return { category: probabilities[0]!.category, confidence: probabilities[0]!.probability, probabilities };
}
