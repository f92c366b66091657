import { unwrap } from "../../api";
import { Heatmap } from "../../charts";
import { DataTable, ErrorBanner, Loading, useLoad } from "../../components";
import type { ConsoleContext } from "../../context";
import { patiently } from "../../patiently";

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

/** One evaluation: its headline metrics, the confusion matrix as a heat map, and per-category scores. */
export function EvaluationView({ ctx, evaluationId }: { ctx: ConsoleContext; evaluationId: string }) {
  const path = { params: { path: { evaluation_id: evaluationId } } };
  const loaded = useLoad(async () => {
    const evaluation = await unwrap(patiently(() => ctx.api.GET("/api/v1/model/evaluate/{evaluation_id}", path)));
    const matrix =
      evaluation.status === "completed"
        ? await unwrap(patiently(() => ctx.api.GET("/api/v1/model/evaluate/{evaluation_id}/confusion-matrix", path)))
        : undefined;
    return { evaluation, matrix };
  }, [evaluationId]);
  if (loaded.error) return <ErrorBanner error={loaded.error} />;
  if (!loaded.data) return <Loading what="the evaluation" />;
  const { evaluation: e, matrix } = loaded.data;
  const categories = Object.entries(e.category_metrics).sort((a, b) => b[1].support - a[1].support);
  return (
    <section aria-labelledby="evaluation-title" data-testid="evaluation">
      <h2 id="evaluation-title">{`Evaluation of ${e.version}`}</h2>
      <p>
        {`${e.evaluation_id} · ${e.status} · ${e.test_data_source} data` +
          (e.sample_count !== null ? ` · ${e.sample_count} samples` : "") +
          (e.completed_at ? ` · ${e.completed_at.replace("T", " ").slice(0, 16)} UTC` : "")}
      </p>
      {e.error && <ErrorBanner error={e.error} />}
      {e.metrics && (
        <dl class="stats">
          {(["accuracy", "precision", "recall", "f1_score"] as const).map((m) => (
            <div>
              <dt>{m === "f1_score" ? "F1" : m[0]!.toUpperCase() + m.slice(1)}</dt>
              <dd>{percent(e.metrics![m])}</dd>
            </div>
          ))}
        </dl>
      )}
      {matrix && (
        <Heatmap
          title={`Confusion matrix of ${e.version}`}
          rows={matrix.labels}
          cols={matrix.labels}
          values={matrix.matrix}
          rowLabel="true category"
          colLabel="predicted"
          normalise="row"
        />
      )}
      {categories.length > 0 && (
        <DataTable
          caption="Scores per category, most examples first"
          rows={categories}
          rowKey={([c]) => c}
          columns={[
            { header: "Category", cell: ([c]) => c },
            { header: "Precision", numeric: true, cell: ([, m]) => percent(m.precision) },
            { header: "Recall", numeric: true, cell: ([, m]) => percent(m.recall) },
            { header: "F1", numeric: true, cell: ([, m]) => percent(m.f1) },
            { header: "Support", numeric: true, cell: ([, m]) => String(m.support) },
          ]}
        />
      )}
    </section>
  );
}
