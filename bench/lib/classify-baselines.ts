import { searchAndFit, packRows, type LabelledText, type SparseVector } from "@edge-ml/core/classify";

/**
 * The bench's baselines for the text classifier (issue 16), pure TypeScript, each fitted on
 * the same training rows and tuned on the same validation rows as the served model:
 * - majority: the most frequent training category, always;
 * - multinomial naive Bayes on word 1-2-gram counts, Lidstone smoothing chosen on validation;
 * - TF-IDF (sublinear tf, smoothed idf, L2) word 1-2-gram logistic regression: the same softmax
 *   head, optimiser and search as ours (core/classify/search.ts), without class weights and
 *   without hashing or character n-grams, so the comparison isolates the features and weighting.
 */
export type Baseline = { name: string; predict: (r: LabelledText) => string; seconds: number; detail: string };

const textOf = (r: LabelledText) => `${r.headline} ${r.short_description ?? ""}`;

/** Lowercased words (apostrophes joined), then adjacent pairs: the word 1-2-grams. */
export function wordGrams(text: string): string[] {
  const words = text
    .toLowerCase()
    .replace(/['\u2019]/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const out = [...words];
  for (let i = 1; i < words.length; i++) out.push(`${words[i - 1]} ${words[i]}`);
  return out;
}

export function majority(train: readonly LabelledText[]): Baseline {
  const counts = new Map<string, number>();
  for (const r of train) counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
  const top = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return { name: "majority", predict: () => top, seconds: 0, detail: top };
}

const accuracyOf = (predict: (r: LabelledText) => string, rows: readonly LabelledText[]) =>
  rows.filter((r) => predict(r) === r.category).length / Math.max(1, rows.length);

export function naiveBayes(
  train: readonly LabelledText[],
  validation: readonly LabelledText[],
  labels: readonly string[],
): Baseline {
  const t0 = performance.now();
  const fit = (rows: readonly LabelledText[], alpha: number) => {
    const k = labels.length;
    const at = new Map(labels.map((l, i) => [l, i]));
    const counts = new Map<string, Float64Array>();
    const totals = new Float64Array(k);
    const docs = new Float64Array(k);
    for (const r of rows) {
      const c = at.get(r.category)!;
      docs[c]!++;
      for (const g of wordGrams(textOf(r))) {
        let row = counts.get(g);
        if (!row) counts.set(g, (row = new Float64Array(k)));
        row[c]!++;
        totals[c]!++;
      }
    }
    const v = counts.size;
    const prior = Array.from(docs, (d) => Math.log((d + 1) / (rows.length + k)));
    const unseen = Array.from(totals, (t) => Math.log(alpha / (t + alpha * v)));
    return (r: LabelledText) => {
      const score = [...prior];
      for (const g of wordGrams(textOf(r))) {
        const row = counts.get(g);
        if (!row) continue; // a gram never seen in training says nothing
        for (let c = 0; c < k; c++) score[c]! += Math.log((row[c]! + alpha) / (totals[c]! + alpha * v));
      }
      void unseen;
      return labels[score.indexOf(Math.max(...score))]!;
    };
  };
  let best = { alpha: 1, accuracy: -1 };
  for (const alpha of [0.01, 0.03, 0.1, 0.3, 1]) {
    const accuracy = accuracyOf(fit(train, alpha), validation);
    if (accuracy > best.accuracy) best = { alpha, accuracy };
  }
  const predict = fit([...train, ...validation], best.alpha);
  return {
    name: "naive Bayes (word 1-2-gram counts)",
    predict,
    seconds: (performance.now() - t0) / 1000,
    detail: `alpha ${best.alpha} (validation accuracy ${best.accuracy.toFixed(4)})`,
  };
}

export async function tfidfLogistic(
  train: readonly LabelledText[],
  validation: readonly LabelledText[],
  labels: readonly string[],
  seed: number,
): Promise<Baseline> {
  const t0 = performance.now();
  const all = [...train, ...validation];
  // Vocabulary and idf from the training rows only.
  const df = new Map<string, number>();
  for (const r of train) for (const g of new Set(wordGrams(textOf(r)))) df.set(g, (df.get(g) ?? 0) + 1);
  const vocab = new Map<string, number>();
  const idf: number[] = [];
  for (const [g, d] of df) {
    vocab.set(g, vocab.size);
    idf.push(1 + Math.log((1 + train.length) / (1 + d)));
  }
  const vectorise = (r: LabelledText): SparseVector => {
    const tf = new Map<number, number>();
    for (const g of wordGrams(textOf(r))) {
      const j = vocab.get(g);
      if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + 1);
    }
    const index = Int32Array.from(tf.keys());
    const value = Float32Array.from(tf, ([j, n]) => (1 + Math.log(n)) * idf[j]!);
    const norm = Math.hypot(...value) || 1;
    for (let i = 0; i < value.length; i++) value[i]! /= norm;
    return { index, value, length: index.length };
  };
  const at = new Map(labels.map((l, i) => [l, i]));
  const data = packRows(all.map(vectorise), all.length);
  const y = Int32Array.from(all, (r) => at.get(r.category)!);
  const trainIdx = Int32Array.from(train, (_, i) => i);
  const valIdx = Int32Array.from(validation, (_, i) => train.length + i);
  const fit = await searchAndFit(
    {
      data,
      featureRows: vocab.size,
      y,
      labels,
      trainIdx,
      valIdx,
      weightsOf: () => new Float32Array(all.length).fill(1),
    },
    { seed, refit: true },
  );
  const k = labels.length;
  const predict = (r: LabelledText) => {
    const x = vectorise(r);
    const z = Array.from(fit.bias, Number);
    for (let t = 0; t < x.length; t++)
      for (let c = 0; c < k; c++) z[c]! += x.value[t]! * fit.weights[x.index[t]! * k + c]!;
    return labels[z.indexOf(Math.max(...z))]!;
  };
  return {
    name: "TF-IDF word 1-2-gram logistic regression",
    predict,
    seconds: (performance.now() - t0) / 1000,
    detail: `lr ${fit.chosen.learning_rate} l2 ${fit.chosen.l2} epochs ${fit.chosen.epochs} (validation accuracy ${fit.chosen.val_accuracy.toFixed(4)}), ${vocab.size} grams`,
  };
}
