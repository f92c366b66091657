import { unwrap } from "../../api";
import { DataTable, ErrorBanner, Loading, useLoad } from "../../components";
import type { ConsoleContext } from "../../context";

/** Counts per name, largest first. */
function CountTable({
  caption,
  header,
  rows,
  what,
}: {
  caption: string;
  header: string;
  rows: [string, number][];
  what: string;
}) {
  return (
    <DataTable
      caption={caption}
      rows={rows}
      rowKey={([name]) => name}
      empty={`no ${what} in this period.`}
      columns={[
        { header, cell: ([name]) => name },
        { header: "Count", numeric: true, cell: ([, n]) => String(n) },
      ]}
    />
  );
}

const percent = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);

/** Feedback over the last 30 days (the route's default): the totals, then corrections per category. */
export function FeedbackStats({ ctx }: { ctx: ConsoleContext }) {
  const stats = useLoad(() => unwrap(ctx.api.GET("/api/v1/feedback/stats", { params: { query: {} } })));
  if (stats.error) return <ErrorBanner error={stats.error} />;
  if (!stats.data) return <Loading what="feedback statistics" />;
  const s = stats.data;
  const corrections = Object.entries(s.corrections_by_category).sort((a, b) => b[1] - a[1]);
  const byType = Object.entries(s.feedback_by_type).sort((a, b) => b[1] - a[1]);
  return (
    <section aria-labelledby="feedback-title" data-testid="feedback-stats">
      <h2 id="feedback-title">Feedback</h2>
      <dl class="stats">
        <div>
          <dt>Predictions</dt>
          <dd>{s.total_predictions.toLocaleString("en-US")}</dd>
        </div>
        <div>
          <dt>Feedback</dt>
          <dd>{`${s.total_feedback.toLocaleString("en-US")} (${percent(s.feedback_rate)} of predictions)`}</dd>
        </div>
        <div>
          <dt>Accuracy from feedback</dt>
          <dd>{percent(s.accuracy_from_feedback)}</dd>
        </div>
      </dl>
      <p class="period">{`From ${s.period.start.slice(0, 10)} to ${s.period.end.slice(0, 10)} (UTC)`}</p>
      <CountTable caption="Corrections by predicted category" header="Category" rows={corrections} what="corrections" />
      <CountTable caption="Feedback by type" header="Type" rows={byType} what="feedback" />
    </section>
  );
}
