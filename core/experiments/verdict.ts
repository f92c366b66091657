import { checkSrm, type SrmCheck } from "./srm";
import { MSPRT_METHOD, meanSequentialP, proportionSequentialP } from "./sequential";
import { meanAndVariance, proportionTest, welchTest, type Comparison, type Moments } from "./two-sample";

export const METRICS = ["ctr", "cvr", "revenue"] as const;
export type Metric = (typeof METRICS)[number];

/**
 * What the experiment's object keeps per variant, over exposed users (the unit of
 * randomization, so users are the independent observations): how many were exposed, how
 * many clicked / converted at least once within the attribution window, and the sum and
 * sum of squares of their attributed revenue.
 */
export type VariantAggregate = {
  users: number;
  clickers: number;
  converters: number;
  revenue: number;
  revenueSq: number;
};

export type MetricComparison = Comparison & { sequential_p_value: number; significant: boolean };
export type MetricResult = {
  /** Per variant: the rate (ctr, cvr) or mean revenue per exposed user. */
  values: Record<string, number>;
  /** Treatment vs control, per treatment. */
  comparisons: Record<string, MetricComparison>;
};

export type Verdict = {
  metrics: Partial<Record<Metric, MetricResult>>;
  srm: SrmCheck;
  winner: string | null;
  recommendation: "rollout" | "keep_control" | "continue";
  reason: string;
  method: { fixed: string; sequential: string; alpha: number; correction: string };
};

export type VerdictInput = {
  variants: readonly string[];
  control: string;
  weights: readonly number[];
  aggregates: Record<string, VariantAggregate>;
  metrics: readonly Metric[];
  alpha?: number;
  completed: boolean;
  /** Running minima of earlier looks' sequential p-values, by `${metric}:${variant}`. */
  previousMinima?: Record<string, number>;
};

function compare(
  metric: Metric,
  a: VariantAggregate,
  b: VariantAggregate,
  alpha: number,
): Comparison & { seq: number } {
  if (metric === "revenue") {
    const ma: Moments = { n: a.users, sum: a.revenue, sumSq: a.revenueSq };
    const mb: Moments = { n: b.users, sum: b.revenue, sumSq: b.revenueSq };
    const seq = meanSequentialP({ n: a.users, ...meanAndVariance(ma) }, { n: b.users, ...meanAndVariance(mb) });
    return { ...welchTest(ma, mb, alpha), seq };
  }
  const key = metric === "ctr" ? "clickers" : "converters";
  const ca = { n: a.users, x: a[key] };
  const cb = { n: b.users, x: b[key] };
  return { ...proportionTest(ca, cb, alpha), seq: proportionSequentialP(ca, cb) };
}

function value(metric: Metric, a: VariantAggregate): number {
  if (a.users === 0) return 0;
  return (metric === "ctr" ? a.clickers : metric === "cvr" ? a.converters : a.revenue) / a.users;
}

/**
 * The results of an experiment: per metric the values and each treatment's comparison with
 * control; significance on the always-valid p-value (so a read at any time is honest),
 * Bonferroni-corrected over the treatments; the verdict on the first metric (the primary),
 * blocked by a sample-ratio mismatch. `minima` are the running minima to keep for the next look.
 */
export function verdict(input: VerdictInput): Verdict & { minima: Record<string, number> } {
  const alpha = input.alpha ?? 0.05;
  const treatments = input.variants.filter((v) => v !== input.control);
  const level = alpha / Math.max(1, treatments.length);
  const minima: Record<string, number> = { ...input.previousMinima };
  const metrics: Verdict["metrics"] = {};
  const control = input.aggregates[input.control];
  for (const metric of input.metrics) {
    const values: Record<string, number> = {};
    for (const v of input.variants) values[v] = value(metric, input.aggregates[v]!);
    const comparisons: Record<string, MetricComparison> = {};
    for (const t of treatments) {
      const { seq, ...c } = compare(metric, control!, input.aggregates[t]!, level);
      const key = `${metric}:${t}`;
      const running = Math.min(seq, minima[key] ?? 1);
      minima[key] = running;
      comparisons[t] = { ...c, sequential_p_value: running, significant: running < level };
    }
    metrics[metric] = { values, comparisons };
  }
  const srm = checkSrm(
    input.variants.map((v) => input.aggregates[v]!.users),
    input.weights,
  );
  const method = {
    fixed: "two-proportion z-test (ctr, cvr); Welch's t-test (revenue)",
    sequential: MSPRT_METHOD,
    alpha,
    correction: treatments.length > 1 ? `Bonferroni over ${treatments.length} treatments` : "none",
  };
  const base = { metrics, srm, method, minima };
  if (srm.mismatch) return { ...base, winner: null, recommendation: "continue", reason: srm.message };
  const primary = input.metrics[0];
  const results = primary === undefined ? undefined : metrics[primary];
  if (!results) return { ...base, winner: null, recommendation: "continue", reason: "no metric to judge" };
  const better = treatments
    .filter((t) => results.comparisons[t]!.significant && results.comparisons[t]!.difference > 0)
    .sort((x, y) => results.comparisons[y]!.difference - results.comparisons[x]!.difference);
  if (better.length > 0) {
    return {
      ...base,
      winner: better[0]!,
      recommendation: "rollout",
      reason: `${better[0]} beats ${input.control} on ${primary}`,
    };
  }
  const worse = treatments.filter((t) => results.comparisons[t]!.significant && results.comparisons[t]!.difference < 0);
  if (worse.length === treatments.length && treatments.length > 0) {
    return {
      ...base,
      winner: input.control,
      recommendation: "keep_control",
      reason: `${input.control} beats every treatment on ${primary}`,
    };
  }
  if (input.completed) {
    return {
      ...base,
      winner: null,
      recommendation: "keep_control",
      reason: `completed without a significant difference on ${primary}`,
    };
  }
  return { ...base, winner: null, recommendation: "continue", reason: `no significant difference on ${primary} yet` };
}
