import { normalQuantile, studentTQuantile } from "./distributions";
import { meanAndVariance, type Moments } from "./two-sample";

/**
 * Wilson score interval of one variant's rate: unlike the Wald interval it stays inside
 * [0, 1] and keeps its coverage at small counts and rates near 0 (a CTR of 2/40).
 */
export function wilsonInterval(x: number, n: number, alpha = 0.05): [number, number] {
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - alpha / 2);
  const p = x / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The t interval of one variant's mean (revenue per user). */
export function meanInterval(m: Moments, alpha = 0.05): [number, number] {
  const { mean, variance } = meanAndVariance(m);
  if (m.n < 2) return [mean, mean];
  const half = studentTQuantile(1 - alpha / 2, m.n - 1) * Math.sqrt(variance / m.n);
  return [mean - half, mean + half];
}
