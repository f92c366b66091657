import { chiSquareSf } from "./distributions";

/** SRM is flagged below this p-value (GrowthBook's threshold: strict, because the check runs on every read). */
export const SRM_P_THRESHOLD = 0.001;
/** The check needs this many expected units in every variant: below it the chi-square approximation is not trusted. */
export const SRM_MIN_EXPECTED = 20;

export type SrmCheck = {
  checked: boolean;
  chi_square: number;
  p_value: number;
  mismatch: boolean;
  message: string;
};

/**
 * Sample-ratio mismatch: a chi-square goodness-of-fit of the units seen per variant against
 * the configured split (not against equal shares: a deliberate 90/10 split is not a
 * mismatch). A mismatch means assignment or logging is broken, so no verdict may be drawn.
 */
export function checkSrm(counts: readonly number[], weights: readonly number[]): SrmCheck {
  const total = counts.reduce((s, c) => s + c, 0);
  const expected = weights.map((w) => w * total);
  if (expected.some((e) => e < SRM_MIN_EXPECTED)) {
    return {
      checked: false,
      chi_square: 0,
      p_value: 1,
      mismatch: false,
      message: `not checked yet: every variant needs ${SRM_MIN_EXPECTED} expected units`,
    };
  }
  const chi = counts.reduce((s, c, i) => s + (c - expected[i]!) ** 2 / expected[i]!, 0);
  const p = chiSquareSf(chi, counts.length - 1);
  const mismatch = p < SRM_P_THRESHOLD;
  return {
    checked: true,
    chi_square: chi,
    p_value: p,
    mismatch,
    message: mismatch
      ? `sample ratio mismatch: counts ${counts.join("/")} do not fit the configured split (p = ${p.toExponential(2)} < ${SRM_P_THRESHOLD}); no verdict until assignment is fixed`
      : "counts fit the configured split",
  };
}
