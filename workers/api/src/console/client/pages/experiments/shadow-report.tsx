import { unwrap, type components } from "../../api";
import { DataTable, ErrorBanner, Loading, useLoad } from "../../components";
import type { ConsoleContext } from "../../context";

type Row = components["schemas"]["ShadowReport"]["challengers"][number];

const ratio = (v: number | null) => (v === null ? "—" : v.toFixed(3));
const ms = (l: { p50: number; p95: number }) => `${l.p50.toFixed(1)} / ${l.p95.toFixed(1)}`;

/** Shadow challengers against production: agreement of the rankings, latency and errors per surface. */
export function ShadowReport({ ctx }: { ctx: ConsoleContext }) {
  const report = useLoad(() => unwrap(ctx.api.GET("/admin/shadow/report", {})).then((r) => r.challengers));
  return (
    <section aria-labelledby="shadow-title">
      <h2 id="shadow-title">Shadow reports</h2>
      <ErrorBanner error={report.error} />
      {report.loading && !report.data && <Loading what="shadow reports" />}
      {report.data && (
        <DataTable
          caption="Shadow challengers against production"
          rows={report.data}
          rowKey={(r: Row) => `${r.surface}:${r.model_version}`}
          empty="no challenger has shadowed production yet."
          columns={[
            { header: "Challenger", cell: (r: Row) => <code>{r.model_version}</code> },
            { header: "Surface", cell: (r: Row) => r.surface },
            { header: "Compared", numeric: true, cell: (r: Row) => String(r.comparisons) },
            { header: "Overlap@k", numeric: true, cell: (r: Row) => ratio(r.overlap_at_k) },
            { header: "RBO", numeric: true, cell: (r: Row) => ratio(r.rbo) },
            { header: "Top item differs", numeric: true, cell: (r: Row) => ratio(r.top_item_differs) },
            {
              header: "Latency p50 / p95 ms (challenger)",
              numeric: true,
              cell: (r: Row) => ms(r.candidate_latency_ms),
            },
            {
              header: "Latency p50 / p95 ms (production)",
              numeric: true,
              cell: (r: Row) => ms(r.production_latency_ms),
            },
            { header: "Error rate", numeric: true, cell: (r: Row) => ratio(r.error_rate) },
          ]}
        />
      )}
    </section>
  );
}
