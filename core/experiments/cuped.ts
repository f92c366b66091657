import type { Moments } from "./two-sample";

/** Per-variant sums of a metric y and its pre-period covariate x, per unit. */
export type CovariateMoments = { n: number; sumX: number; sumXSq: number; sumY: number; sumYSq: number; sumXY: number };

/**
 * CUPED (Deng, Xu, Kohavi, Walker, WSDM 2013): y' = y - θ (x - x̄), θ = cov(x, y) / var(x),
 * one θ from both variants pooled (so the adjustment is the same in both and cannot create
 * a difference), x̄ the pooled mean. Returns each variant's adjusted moments, ready for
 * welchTest: the mean difference is unbiased and its variance shrinks by 1 - ρ².
 */
export function cupedAdjust(variants: readonly CovariateMoments[]): { theta: number; adjusted: Moments[] } {
  const n = variants.reduce((s, v) => s + v.n, 0);
  const sx = variants.reduce((s, v) => s + v.sumX, 0);
  const sy = variants.reduce((s, v) => s + v.sumY, 0);
  const sxx = variants.reduce((s, v) => s + v.sumXSq, 0);
  const sxy = variants.reduce((s, v) => s + v.sumXY, 0);
  const varX = n > 1 ? (sxx - (sx * sx) / n) / (n - 1) : 0;
  const covXY = n > 1 ? (sxy - (sx * sy) / n) / (n - 1) : 0;
  const theta = varX > 0 ? covXY / varX : 0;
  const xBar = n > 0 ? sx / n : 0;
  const adjusted = variants.map((v) => {
    // Σ(y - θ(x - x̄)) and Σ(y - θ(x - x̄))², expanded over the stored sums.
    const sumDx = v.sumX - v.n * xBar;
    const sumDxSq = v.sumXSq - 2 * xBar * v.sumX + v.n * xBar * xBar;
    const sumYDx = v.sumXY - xBar * v.sumY;
    return {
      n: v.n,
      sum: v.sumY - theta * sumDx,
      sumSq: v.sumYSq - 2 * theta * sumYDx + theta * theta * sumDxSq,
    };
  });
  return { theta, adjusted };
}
