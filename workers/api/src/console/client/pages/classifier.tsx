import { useState } from "hono/jsx/dom";
import { unwrap } from "../api";
import { Button, ErrorBanner } from "../components";
import type { ConsoleContext, ConsolePage } from "../context";
import { EvaluationView } from "./classifier/evaluation-view";
import { FeedbackStats } from "./classifier/feedback-stats";
import { patiently } from "./models/patiently";
import "./classifier/classifier.css";

// The evaluation shown lives in the address (?evaluation=…), so a reload or a link shows the same matrix.
const evaluationInAddress = () => new URLSearchParams(location.search).get("evaluation") ?? undefined;

/**
 * Classifier: feedback statistics by category and a confusion matrix as a heat map. An admin evaluates the
 * production classifier on its holdout here (POST /api/v1/model/evaluate answers when it is done).
 */
function Classifier({ ctx }: { ctx: ConsoleContext }) {
  const isAdmin = ctx.canWrite && ctx.user.role === "admin";
  const [evaluationId, setEvaluationId] = useState<string | undefined>(evaluationInAddress());
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const evaluate = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const started = await unwrap(
        patiently(() => ctx.api.POST("/api/v1/model/evaluate", { body: { test_data_source: "holdout" } })),
      );
      history.replaceState(null, "", `/app/classifier?evaluation=${encodeURIComponent(started.evaluation_id)}`);
      setEvaluationId(started.evaluation_id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Classifier</h1>
      <FeedbackStats ctx={ctx} />
      <section aria-labelledby="evaluate-title">
        <h2 id="evaluate-title">Confusion matrix</h2>
        {isAdmin ? (
          <Button variant="primary" onClick={() => void evaluate()} disabled={busy}>
            {busy ? "Evaluating…" : "Evaluate the production classifier"}
          </Button>
        ) : (
          !evaluationId && <p class="note">An admin evaluates the classifier; open an evaluation's link to see it.</p>
        )}
        <ErrorBanner error={error} />
      </section>
      {evaluationId && <EvaluationView ctx={ctx} evaluationId={evaluationId} />}
    </section>
  );
}

export const page: ConsolePage = {
  path: "/app/classifier",
  title: "Classifier",
  Component: ({ ctx }) => <Classifier ctx={ctx} />,
};
