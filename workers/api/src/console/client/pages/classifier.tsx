import { useEffect, useState } from "hono/jsx/dom";
import { unwrap } from "../api";
import { Button, ErrorBanner } from "../components";
import type { ConsoleContext, ConsolePage } from "../context";
import { EvaluationView } from "./classifier/evaluation-view";
import { FeedbackStats } from "./classifier/feedback-stats";
import { patiently } from "../patiently";
import "./classifier/classifier.css";

// The evaluation shown lives in the address (?evaluation=…), so a reload or a link shows the same matrix.
const evaluationInAddress = () => new URLSearchParams(location.search).get("evaluation") ?? undefined;

/**
 * Classifier: feedback statistics by category and the latest evaluation's confusion matrix as a heat map
 * (GET /api/v1/model/evaluate lists them newest first). An admin evaluates the production classifier on its
 * holdout here (POST /api/v1/model/evaluate answers when it is done).
 */
function Classifier({ ctx }: { ctx: ConsoleContext }) {
  const isAdmin = ctx.canWrite && ctx.user.role === "admin";
  const [evaluationId, setEvaluationId] = useState<string | undefined>(evaluationInAddress());
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [looked, setLooked] = useState(evaluationId !== undefined);
  useEffect(() => {
    if (evaluationId) return;
    unwrap(patiently(() => ctx.api.GET("/api/v1/model/evaluate", { params: { query: { limit: 1 } } }))).then(
      (list) => {
        setEvaluationId(list.evaluations[0]?.evaluation_id);
        setLooked(true);
      },
      (err: unknown) => (setError(err), setLooked(true)),
    );
  }, []);
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
          looked && !evaluationId && <p class="note">No evaluation yet: an admin runs one here.</p>
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
