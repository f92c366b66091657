import { unwrap } from "../api";
import { BarChart, LineChart } from "../charts";
import { DataTable, ErrorBanner, Loading, useLoad } from "../components";
import type { ConsoleContext, ConsolePage } from "../context";
// The models page's wait-out of the model routes' tenant-wide limit (a 429 is refused before any work).
import { patiently } from "../patiently";

const DAYS = 30;

type Day = { api_calls: number; recommendations_served: number };
/** The daily counts plotted as bars. */
const COUNTS: { label: string; unit: string; value: (d: Day) => number }[] = [
  { label: "API calls", unit: "Calls", value: (d) => d.api_calls },
  { label: "Recommendations served", unit: "Recommendations", value: (d) => d.recommendations_served },
];

function period(): { start_date: string; end_date: string } {
  const end = new Date();
  const start = new Date(end.getTime() - (DAYS - 1) * 86_400_000);
  return { start_date: start.toISOString().slice(0, 10), end_date: end.toISOString().slice(0, 10) };
}

/** Calls, recommendations and latency per day (GET /api/v1/usage), the month's quota, and the models in production. */
function Overview({ ctx }: { ctx: ConsoleContext }) {
  const usage = useLoad(() => unwrap(ctx.api.GET("/api/v1/usage", { params: { query: period() } })));
  const models = useLoad(() =>
    unwrap(patiently(() => ctx.api.GET("/api/v1/model/versions", { params: { query: { limit: 100 } } }), 90_000)).then(
      (l) => l.versions.filter((v) => v.is_production),
    ),
  );
  const daily = usage.data?.daily ?? [];
  const x = daily.map((d) => Date.parse(`${d.date}T00:00:00Z`));
  const quota = usage.data?.quota;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Overview</h1>
      <h2>Usage, last {DAYS} days</h2>
      {usage.loading && <Loading what="usage" />}
      <ErrorBanner error={usage.error} />
      {usage.data && (
        <>
          {quota && (
            <div class="quota">
              <label for="quota-bar">
                {`Monthly API calls (${quota.plan} plan): ${quota.api_calls_used.toLocaleString("en")} of ${quota.api_calls_limit.toLocaleString("en")} (${quota.percentage_used.toFixed(1)}%)`}
              </label>
              <progress
                id="quota-bar"
                max={quota.api_calls_limit}
                value={Math.min(quota.api_calls_used, quota.api_calls_limit)}
              />
            </div>
          )}
          <div class="charts">
            {COUNTS.map((c) => (
              <BarChart
                title={`${c.label} per day`}
                xLabel="Day (UTC)"
                yLabel={c.unit}
                xIsTime
                x={x}
                series={[{ label: c.label, values: daily.map(c.value) }]}
              />
            ))}
            <LineChart
              title="Average latency per day"
              xLabel="Day (UTC)"
              yLabel="Milliseconds"
              xIsTime
              x={x}
              // A day without calls has no latency: a gap, not a zero.
              series={[
                {
                  label: "Average latency (ms)",
                  values: daily.map((d) => (d.api_calls ? d.average_latency_ms : null)),
                },
              ]}
              formatY={(v) => `${v.toFixed(1)} ms`}
            />
          </div>
        </>
      )}
      <h2>Models in production</h2>
      {models.loading && <Loading what="models" />}
      <ErrorBanner error={models.error} />
      {models.data && (
        <DataTable
          caption="Current models"
          rows={models.data}
          rowKey={(v) => v.version}
          empty="none deployed yet (train one on the Models page)."
          columns={[
            { header: "Kind", cell: (v) => v.kind },
            { header: "Version", cell: (v) => v.version },
            { header: "Model type", cell: (v) => v.model_type },
            { header: "Deployed", cell: (v) => (v.deployed_at ?? "").replace("T", " ").slice(0, 16) },
            {
              header: "Metrics",
              cell: (v) =>
                Object.entries(v.metrics)
                  .slice(0, 4)
                  .map(([k, n]) => `${k} ${n.toFixed(3)}`)
                  .join(", "),
            },
          ]}
        />
      )}
    </section>
  );
}

export const page: ConsolePage = { path: "/app", title: "Overview", Component: Overview };
