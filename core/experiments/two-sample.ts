import { normalQuantile, normalTwoSided, studentTQuantile, studentTTwoSided } from "./distributions";

/** A comparison of treatment with control: the difference (treatment - control), its interval, its p-value. */
export type Comparison = {
  difference: number;
  /** The difference relative to control (NaN when control is 0). */
  relative: number;
  ci: [number, number];
  p_value: number;
  statistic: number;
};

/**
 * Two-proportion z-test. The p-value uses the pooled standard error (the null says both
 * rates are equal); the interval uses the unpooled one (Wald), which is what the
 * difference's uncertainty is when they are not. Degenerate data (no users, or every user
 * the same) gives p = 1 and a zero-width interval at the difference.
 */
export function proportionTest(
  control: { n: number; x: number },
  treatment: { n: number; x: number },
  alpha = 0.05,
): Comparison {
  const pa = control.n > 0 ? control.x / control.n : 0;
  const pb = treatment.n > 0 ? treatment.x / treatment.n : 0;
  const diff = pb - pa;
  const relative = pa > 0 ? diff / pa : NaN;
  if (control.n === 0 || treatment.n === 0)
    return { difference: diff, relative, ci: [diff, diff], p_value: 1, statistic: 0 };
  const pooled = (control.x + treatment.x) / (control.n + treatment.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  const se = Math.sqrt((pa * (1 - pa)) / control.n + (pb * (1 - pb)) / treatment.n);
  const z = sePooled > 0 ? diff / sePooled : 0;
  const half = normalQuantile(1 - alpha / 2) * se;
  return {
    difference: diff,
    relative,
    ci: [diff - half, diff + half],
    p_value: sePooled > 0 ? normalTwoSided(z) : 1,
    statistic: z,
  };
}

/** Per-variant sums of a continuous metric: n units, Σy, Σy². */
export type Moments = { n: number; sum: number; sumSq: number };

export function meanAndVariance(m: Moments): { mean: number; variance: number } {
  if (m.n === 0) return { mean: 0, variance: 0 };
  const mean = m.sum / m.n;
  // Sample variance from the sums; clamp the rounding that can make it slightly negative.
  const variance = m.n > 1 ? Math.max(0, (m.sumSq - m.n * mean * mean) / (m.n - 1)) : 0;
  return { mean, variance };
}

/**
 * Welch's t-test for a difference in means with unequal variances: the Welch-Satterthwaite
 * degrees of freedom, the t distribution's exact tails (incomplete beta), and the interval
 * from the t quantile at those degrees of freedom.
 */
export function welchTest(control: Moments, treatment: Moments, alpha = 0.05): Comparison & { df: number } {
  const a = meanAndVariance(control);
  const b = meanAndVariance(treatment);
  const diff = b.mean - a.mean;
  const relative = a.mean !== 0 ? diff / a.mean : NaN;
  const va = control.n > 0 ? a.variance / control.n : 0;
  const vb = treatment.n > 0 ? b.variance / treatment.n : 0;
  const se = Math.sqrt(va + vb);
  if (control.n < 2 || treatment.n < 2 || se === 0) {
    return { difference: diff, relative, ci: [diff, diff], p_value: 1, statistic: 0, df: 0 };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (control.n - 1) + vb ** 2 / (treatment.n - 1));
  const t = diff / se;
  const half = studentTQuantile(1 - alpha / 2, df) * se;
  return {
    difference: diff,
    relative,
    ci: [diff - half, diff + half],
    p_value: studentTTwoSided(t, df),
    statistic: t,
    df,
  };
}
