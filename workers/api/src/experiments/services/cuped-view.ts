import { cupedAdjust, type CovariateMoments } from "@edge-ml/core/experiments/cuped";
import type { Metric } from "@edge-ml/core/experiments/verdict";
import { welchTest } from "@edge-ml/core/experiments/two-sample";
import type { ObjectAggregate } from "../objects/experiment-object";

/** A variant's CUPED moments for ctr (y: clicked, 0/1) or revenue (y: the user's revenue). */
function moments(metric: "ctr" | "revenue", a: ObjectAggregate): CovariateMoments {
  const ctr = metric === "ctr";
  return {
    n: a.users,
    sumX: a.sumX,
    sumXSq: a.sumX2,
    sumY: ctr ? a.clickers : a.revenue,
    // y² = y for a 0/1 outcome.
    sumYSq: ctr ? a.clickers : a.revenueSq,
    sumXY: ctr ? a.sumXYClick : a.sumXYRevenue,
  };
}

/**
 * CUPED for one treatment against control: null for cvr (no covariate kept for it), while
 * some exposed user's covariate is still being read, or when the covariate does not vary.
 */
export function cupedComparison(metric: Metric, control: ObjectAggregate, treatment: ObjectAggregate, alpha = 0.05) {
  if (metric === "cvr") return null;
  if ([control, treatment].some((a) => a.users < 2 || a.covariateUsers !== a.users)) return null;
  const { theta, adjusted } = cupedAdjust([moments(metric, control), moments(metric, treatment)]);
  if (theta === 0) return null;
  const w = welchTest(adjusted[0]!, adjusted[1]!, alpha);
  return { theta, difference: w.difference, ci: w.ci, p_value: w.p_value };
}
