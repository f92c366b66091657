/**
 * ALS hyperparameters (als.ts): their defaults, allowed ranges and validation, shared by the
 * API (a 400 before any work), the trainer and the fit itself.
 */
export type AlsParams = {
  /** Latent dimension k. */
  factors: number;
  /** Full iterations (one user half-step and one item half-step each). */
  iterations: number;
  /** lambda. */
  regularization: number;
  /** Confidence slope: c = 1 + alpha |r|. */
  alpha: number;
  /** Conjugate-gradient steps per row solve; 0 = exact Cholesky solve. */
  cgSteps: number;
  /** Exponent of the per-row regularization scaling (1 + n)^s; 0 = none. */
  frequencyScaling: number;
  /** PRNG seed of the initial factors (uint32). */
  seed: number;
};

export const ALS_DEFAULTS: AlsParams = {
  factors: 64,
  iterations: 15,
  // lambda and alpha: the best region of a grid on a validation split of the synthetic bench
  // set (docs/benchmarks.md); real tenants should search them the same way.
  regularization: 50,
  alpha: 2,
  cgSteps: 3,
  frequencyScaling: 0,
  seed: 42,
};

/** Allowed ranges, so the API can reject a bad training request with a 400 before any work. */
const RANGES: Record<keyof AlsParams, { min: number; max: number; integer: boolean; minExclusive?: boolean }> = {
  factors: { min: 1, max: 512, integer: true },
  iterations: { min: 1, max: 100, integer: true },
  regularization: { min: 0, max: 1e6, integer: false, minExclusive: true },
  alpha: { min: 0, max: 1e6, integer: false },
  cgSteps: { min: 0, max: 64, integer: true },
  frequencyScaling: { min: 0, max: 1, integer: false },
  seed: { min: 0, max: 4294967295, integer: true },
};

export type AlsParamIssue = { field: string; message: string };

/** Checks hyperparameters (any missing ones take defaults); returns one issue per bad field, [] when valid. */
export function validateAlsParams(input: Record<string, unknown>): AlsParamIssue[] {
  const issues: AlsParamIssue[] = [];
  for (const field of Object.keys(input)) {
    if (!(field in RANGES))
      issues.push({ field, message: `unknown hyperparameter; allowed: ${Object.keys(RANGES).join(", ")}` });
  }
  for (const [field, r] of Object.entries(RANGES)) {
    const v = input[field];
    if (v === undefined) continue;
    const range = `${r.minExclusive ? `> ${r.min}` : `>= ${r.min}`} and <= ${r.max}`;
    if (typeof v !== "number" || !Number.isFinite(v)) issues.push({ field, message: "must be a finite number" });
    else if (r.integer && !Number.isInteger(v)) issues.push({ field, message: `must be an integer ${range}` });
    else if (v < r.min || v > r.max || (r.minExclusive && v === r.min))
      issues.push({ field, message: `must be ${r.integer ? "an integer " : ""}${range}, got ${v}` });
  }
  return issues;
}

/** Thrown for invalid hyperparameters; `issues` carries field + message for a 400 response. */
export class AlsParamsError extends Error {
  constructor(readonly issues: AlsParamIssue[]) {
    super(`invalid ALS hyperparameters: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
    this.name = "AlsParamsError";
  }

  get field(): string {
    return this.issues[0]?.field ?? "";
  }
}

/** Defaults filled in and validated; throws AlsParamsError. */
export function resolveAlsParams(input: Partial<AlsParams> = {}): AlsParams {
  const issues = validateAlsParams(input);
  if (issues.length > 0) throw new AlsParamsError(issues);
  return { ...ALS_DEFAULTS, ...input };
}

/**
 * lambda_u = lambda (1 + n_u)^frequencyScaling for a row with n_u entries (0 = plain lambda;
 * 1 = scaled by activity, like ALS-WR): one formula for the solver and the loss, so the
 * objective the loss reports is the one the solver minimises.
 */
export function rowRegularization(p: Pick<AlsParams, "regularization" | "frequencyScaling">, entries: number): number {
  return p.frequencyScaling === 0 ? p.regularization : p.regularization * Math.pow(1 + entries, p.frequencyScaling);
}
