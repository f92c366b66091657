import type { ExperimentRow } from "@edge-ml/core/db/schema";
import { meanInterval, wilsonInterval } from "@edge-ml/core/experiments/intervals";
import type { Metric, MetricComparison, VariantAggregate } from "@edge-ml/core/experiments/verdict";
import { ATTRIBUTION_WINDOW_MS } from "../objects/experiment-object";
import { experimentObject, splitWeights } from "./assign";
import { cupedComparison } from "./cuped-view";

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

function comparisonView(c: Omit<MetricComparison, "ci"> & { ci: readonly number[] }) {
  return {
    difference: c.difference,
    relative_difference: finiteOrNull(c.relative),
    ci: [c.ci[0] ?? 0, c.ci[1] ?? 0] as [number, number],
    p_value: c.p_value,
    sequential_p_value: c.sequential_p_value,
    significant: c.significant,
  };
}

function intervalOf(metric: Metric, a: VariantAggregate): [number, number] {
  if (metric === "revenue") return meanInterval({ n: a.users, sum: a.revenue, sumSq: a.revenueSq });
  return wilsonInterval(metric === "ctr" ? a.clickers : a.converters, a.users);
}

/**
 * GET /experiments/{id}/results from the object's aggregates. Each metric object carries
 * the variants' values under their names (as the contract shows), the treatment's
 * comparison (with several treatments: the one with the largest difference; all are in
 * `comparisons`), and per-variant intervals (Wilson for rates, t for revenue per user).
 */
export async function experimentResults(env: ApiEnv, row: ExperimentRow) {
  const weights = splitWeights(row);
  const r = await experimentObject(env, row).results({
    variants: row.variantOrder,
    control: row.control,
    weights,
    metrics: row.metrics as Metric[],
    completed: row.status === "completed",
  });
  const metrics: Record<string, Record<string, unknown>> = {};
  for (const [metric, m] of Object.entries(r.metrics) as [Metric, NonNullable<(typeof r.metrics)[Metric]>][]) {
    const comparisons = Object.fromEntries(
      Object.entries(m.comparisons).map(([t, c]) => [
        t,
        { ...comparisonView(c), cuped: cupedComparison(metric, r.aggregates[row.control]!, r.aggregates[t]!) },
      ]),
    );
    const lead = Object.entries(comparisons).sort((x, y) => y[1].difference - x[1].difference)[0]![1];
    metrics[metric] = {
      ...m.values,
      ...lead,
      intervals: Object.fromEntries(row.variantOrder.map((v) => [v, intervalOf(metric, r.aggregates[v]!)])),
      comparisons,
    };
  }
  return {
    experiment_id: row.id,
    status: row.status,
    sample_size: Object.fromEntries(row.variantOrder.map((v) => [v, r.aggregates[v]!.users])),
    metrics,
    winner: r.winner,
    recommendation: r.recommendation,
    reason: r.reason,
    srm: r.srm,
    method: r.method,
    attribution_window_hours: ATTRIBUTION_WINDOW_MS / 3_600_000,
  };
}
