/**
 * Always-valid p-values by the mixture sequential probability ratio test (mSPRT; Johari,
 * Koomen, Pekelis, Walsh, "Always Valid Inference", 2017). The estimate of the difference,
 * diff ~ N(θ, V) with V = s_a²/n_a + s_b²/n_b, is compared under H0: θ = 0 with the mixture
 * of alternatives θ ~ N(0, τ²):
 *
 *   Λ = sqrt(V / (V + τ²)) · exp(τ² diff² / (2 V (V + τ²)))
 *
 * (with n per arm and V = 2s²/n this is the paper's formula). Λ is a non-negative
 * martingale under H0, so P(Λ ever reaches 1/α) ≤ α (Ville): p_n = min(1, 1/Λ_n), kept as a
 * running minimum, may be read after every event without inflating false positives. The
 * running minimum never rises again, even if later data look less convincing.
 */

export const MSPRT_METHOD = "mSPRT (normal mixture, Johari et al. 2017)";

/**
 * The mixing standard deviation relative to the control rate: τ = 0.1 · p̄, i.e. the prior
 * puts the effect around a 10% relative lift, the size these experiments are run to find.
 * The test has most power near effects of size τ and stays valid for any τ.
 */
export const MSPRT_RELATIVE_TAU = 0.1;

/** The likelihood ratio Λ for a difference with variance V under the mixing variance τ². */
export function msprtRatio(diff: number, variance: number, tauSq: number): number {
  if (!(variance > 0)) return 1;
  const log =
    0.5 * Math.log(variance / (variance + tauSq)) + (tauSq * diff * diff) / (2 * variance * (variance + tauSq));
  return Math.exp(log);
}

/**
 * The always-valid p-value of a difference in proportions at this look, before the running
 * minimum: the pooled rate gives both the null variance and τ.
 */
export function proportionSequentialP(control: { n: number; x: number }, treatment: { n: number; x: number }): number {
  if (control.n === 0 || treatment.n === 0) return 1;
  const pooled = (control.x + treatment.x) / (control.n + treatment.n);
  const s2 = pooled * (1 - pooled);
  const variance = s2 / control.n + s2 / treatment.n;
  const tau = MSPRT_RELATIVE_TAU * pooled;
  const diff = treatment.x / treatment.n - control.x / control.n;
  return Math.min(1, 1 / msprtRatio(diff, variance, tau * tau));
}

/** The same for a difference in means (revenue), with the per-arm sample variances and τ relative to the control mean. */
export function meanSequentialP(
  control: { n: number; mean: number; variance: number },
  treatment: { n: number; mean: number; variance: number },
): number {
  if (control.n < 2 || treatment.n < 2) return 1;
  const variance = control.variance / control.n + treatment.variance / treatment.n;
  const tau = MSPRT_RELATIVE_TAU * Math.abs(control.mean);
  if (tau === 0) return 1;
  return Math.min(1, 1 / msprtRatio(treatment.mean - control.mean, variance, tau * tau));
}
