import { unwrap, type components } from "../../api";
import { DataTable, ErrorBanner, Loading, useLoad } from "../../components";
import type { ConsoleContext } from "../../context";

type Recommendation = components["schemas"]["ExperimentResults"]["recommendation"];
type Comparison = {
  difference: number;
  ci: number[];
  p_value: number;
  sequential_p_value: number;
  significant: boolean;
};
// Structural, not the schema's names: the response's tuples arrive as number[] in the generated types.
type Metric = { intervals: Record<string, number[]>; comparisons: Record<string, Comparison> } & Record<
  string,
  unknown
>;

const fmt = (value: number, metric: string) =>
  metric === "revenue" ? value.toFixed(2) : `${(value * 100).toFixed(2)}%`;
const interval = (ci: number[] | undefined, metric: string) =>
  ci && ci.length === 2 ? `${fmt(ci[0] as number, metric)} to ${fmt(ci[1] as number, metric)}` : "—";
const pValue = (p: number) => (p < 0.001 ? "< 0.001" : p.toFixed(3));

const VERDICTS: Record<Recommendation, string> = {
  rollout: "Roll out the winner",
  keep_control: "Keep control",
  continue: "Keep running: no decision yet",
};

/** One metric: each variant's value with its 95% interval, then each treatment against control. */
function MetricTables({
  name,
  metric,
  sampleSize,
  control,
}: {
  name: string;
  metric: Metric;
  sampleSize: Record<string, number>;
  control: string;
}) {
  const variants = Object.keys(sampleSize);
  const comparisons = Object.entries(metric.comparisons);
  return (
    <section class="metric" aria-labelledby={`metric-${name}`}>
      <h3 id={`metric-${name}`}>{name}</h3>
      <DataTable
        caption={`${name} per variant (95% intervals)`}
        rowKey={(v) => v}
        rows={variants}
        columns={[
          { header: "Variant", cell: (v) => (v === control ? `${v} (control)` : v) },
          { header: "Users", numeric: true, cell: (v) => String(sampleSize[v] ?? 0) },
          {
            header: name,
            numeric: true,
            cell: (v) => (typeof metric[v] === "number" ? fmt(metric[v] as number, name) : "—"),
          },
          { header: "95% interval", numeric: true, cell: (v) => interval(metric.intervals[v], name) },
        ]}
      />
      <DataTable
        caption={`${name}: each variant against ${control}`}
        rowKey={([v]) => v}
        rows={comparisons}
        columns={[
          { header: "Variant", cell: ([v]) => v },
          { header: "Difference", numeric: true, cell: ([, c]) => fmt(c.difference, name) },
          { header: "95% interval of the difference", numeric: true, cell: ([, c]) => interval(c.ci, name) },
          { header: "p-value", numeric: true, cell: ([, c]) => pValue(c.p_value) },
          { header: "Sequential p-value", numeric: true, cell: ([, c]) => pValue(c.sequential_p_value) },
          { header: "Significant", cell: ([, c]) => (c.significant ? "yes" : "no") },
        ]}
      />
    </section>
  );
}

/** An experiment's results: the verdict first, the SRM check, then every metric's tables. */
export function ResultsView({ ctx, experimentId }: { ctx: ConsoleContext; experimentId: string }) {
  const loaded = useLoad(
    () =>
      Promise.all([
        unwrap(ctx.api.GET("/experiments/{experiment_id}", { params: { path: { experiment_id: experimentId } } })),
        unwrap(
          ctx.api.GET("/experiments/{experiment_id}/results", { params: { path: { experiment_id: experimentId } } }),
        ),
      ]),
    [experimentId],
  );
  if (loaded.error) return <ErrorBanner error={loaded.error} />;
  if (!loaded.data) return <Loading what="the results" />;
  const [experiment, results] = loaded.data;
  return (
    <section class="results" aria-labelledby="results-title" data-testid="experiment-results">
      <h2 id="results-title">{experiment.name}</h2>
      <p>
        {`${experiment.experiment_id} · ${experiment.status} · surfaces ${experiment.surfaces.join(", ")} · split `}
        {Object.entries(experiment.traffic_split)
          .map(([v, share]) => `${v} ${Math.round(share * 100)}%`)
          .join(" / ")}
      </p>
      <div class={`verdict verdict-${results.recommendation}`} data-testid="verdict">
        <h3>Verdict</h3>
        <p>
          <strong>{VERDICTS[results.recommendation]}</strong>
          {results.winner ? ` (winner: ${results.winner})` : ""}
        </p>
        <p>{results.reason}</p>
      </div>
      <div class={results.srm.mismatch ? "srm srm-bad" : "srm"} data-testid="srm">
        <h3>Sample ratio check</h3>
        <p>
          {results.srm.checked
            ? `${results.srm.mismatch ? "Mismatch" : "No mismatch"}: chi-square ${results.srm.chi_square.toFixed(2)}, p ${pValue(results.srm.p_value)}. ${results.srm.message}`
            : `Not checked yet: ${results.srm.message.replace(/^not checked yet: /, "")}`}
        </p>
      </div>
      {Object.entries(results.metrics).map(([name, metric]) => (
        <MetricTables name={name} metric={metric} sampleSize={results.sample_size} control={experiment.control} />
      ))}
      <p class="method">
        {`Method: ${results.method.fixed}; sequential: ${results.method.sequential}; alpha ${results.method.alpha}; ${results.method.correction}. Attribution window ${results.attribution_window_hours} h.`}
      </p>
    </section>
  );
}
