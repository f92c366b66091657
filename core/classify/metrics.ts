/**
 * Classification metrics from truth and predictions: accuracy, macro precision / recall / F1
 * over the classes present in the truth or the predictions (a class never seen on either side
 * has no defined precision or recall and would only dilute the mean), per-class figures and
 * the confusion matrix (rows: truth, columns: prediction).
 */
export type CategoryMetrics = { precision: number; recall: number; f1_score: number; support: number };

export type ClassificationMetrics = {
  accuracy: number;
  precision: number;
  recall: number;
  f1_score: number;
  per_category: Record<string, CategoryMetrics>;
  confusion: { labels: string[]; matrix: number[][] };
  sample_count: number;
};

export function classificationMetrics(
  truth: readonly string[],
  predicted: readonly string[],
  labels: readonly string[] = [],
): ClassificationMetrics {
  if (truth.length !== predicted.length) throw new Error("truth and predictions differ in length");
  const order = [...labels];
  const at = new Map(order.map((l, i) => [l, i]));
  const indexOf = (l: string) => {
    let i = at.get(l);
    if (i === undefined) {
      i = order.length;
      order.push(l);
      at.set(l, i);
    }
    return i;
  };
  // Labels beyond the given ones: those of the truth first, then the predictions', each in order seen.
  const t = truth.map(indexOf);
  const pairs = predicted.map((p, i) => [t[i]!, indexOf(p)] as const);
  const k = order.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (const [t, p] of pairs) {
    matrix[t]![p]!++;
    if (t === p) correct++;
  }
  const per_category: Record<string, CategoryMetrics> = {};
  let sp = 0;
  let sr = 0;
  let sf = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    const tp = matrix[c]![c]!;
    const support = matrix[c]!.reduce((s, v) => s + v, 0);
    const predictedCount = matrix.reduce((s, row) => s + row[c]!, 0);
    if (support === 0 && predictedCount === 0) continue;
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    per_category[order[c]!] = { precision, recall, f1_score: f1, support };
    sp += precision;
    sr += recall;
    sf += f1;
    present++;
  }
  const n = truth.length;
  return {
    accuracy: n ? correct / n : 0,
    precision: present ? sp / present : 0,
    recall: present ? sr / present : 0,
    f1_score: present ? sf / present : 0,
    per_category,
    confusion: { labels: order, matrix },
    sample_count: n,
  };
}

/**
 * Expected calibration error (Guo et al., ICML 2017): |accuracy - mean confidence| of equal-width
 * confidence bins, weighted by their share of the samples.
 */
export function expectedCalibrationError(
  confidence: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  bins = 15,
): number {
  const n = confidence.length;
  if (n === 0) return 0;
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const hits = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.floor(confidence[i]! * bins));
    count[b]!++;
    conf[b]! += confidence[i]!;
    if (correct[i]) hits[b]!++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += Math.abs(hits[b]! - conf[b]!) / n;
  return ece;
}
