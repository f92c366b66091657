import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { ConfusionMatrix, EvaluateAccepted, EvaluationResult, PredictResponse } from "@edge-ml/core/schemas";
import { call, type ErrorBody } from "../helpers";
import { classifierTenant, headlines, LABELS, registerClassifier, scrambled, uploadRows } from "./classify-helpers";

type Accepted = z.infer<typeof EvaluateAccepted>;
type Result = z.infer<typeof EvaluationResult>;

const evaluate = (token: string, body: unknown) => call("/api/v1/model/evaluate", { method: "POST", token, body });

describe("POST /api/v1/model/evaluate and GET /api/v1/model/evaluate/{id}", () => {
  it("scores a version on the holdout beside production, with the confusion matrix on R2", async () => {
    const t = await classifierTenant("eval");
    const rows = headlines(40, 21);
    await uploadRows(t, rows);
    await registerClassifier(t.tenantId, "cls-weak", scrambled(rows, 3), true);
    await registerClassifier(t.tenantId, "cls-good", rows, false);

    const res = await evaluate(t.adminKey, { version: "cls-good", test_data_source: "holdout" });
    expect(res.status).toBe(202);
    const started = (await res.json()) as Accepted;
    expect(started).toMatchObject({ version: "cls-good", status: "completed" });

    const got = await call(`/api/v1/model/evaluate/${started.evaluation_id}`, { token: t.adminKey });
    expect(got.status).toBe(200);
    const result = (await got.json()) as Result;
    // 20% of 40 per label is held out.
    expect(result.sample_count).toBe(24);
    expect(result.metrics!.accuracy).toBeGreaterThan(0.9);
    expect(result.metrics!.f1_score).toBeGreaterThan(0.9);
    expect(Object.keys(result.category_metrics).sort()).toEqual([...LABELS].sort());
    expect(result.comparison_with_production).toMatchObject({
      production_version: "cls-weak",
      recommendation: "deploy",
      meets_threshold: true,
      threshold: 0.01,
    });
    expect(result.comparison_with_production!.accuracy_diff).toBeGreaterThan(0.3);

    const link = result.metrics!.confusion_matrix;
    expect(link).toBe(`/api/v1/model/evaluate/${started.evaluation_id}/confusion-matrix`);
    const matrix = (await (await call(link, { token: t.adminKey })).json()) as z.infer<typeof ConfusionMatrix>;
    expect(matrix.labels).toEqual(LABELS);
    expect(matrix.matrix.flat().reduce((a, b) => a + b, 0)).toBe(24);

    // The production version against itself: nothing to deploy.
    const self = (await (await evaluate(t.adminKey, {})).json()) as Accepted;
    const selfResult = (await (
      await call(`/api/v1/model/evaluate/${self.evaluation_id}`, { token: t.adminKey })
    ).json()) as Result;
    expect(selfResult).toMatchObject({
      version: "cls-weak",
      comparison_with_production: { accuracy_diff: 0, recommendation: "keep_production", meets_threshold: false },
    });

    // Another tenant sees neither the evaluation nor its matrix.
    const other = await classifierTenant("eval-other");
    expect((await call(`/api/v1/model/evaluate/${started.evaluation_id}`, { token: other.adminKey })).status).toBe(404);
    expect((await call(link, { token: other.adminKey })).status).toBe(404);
    expect((await evaluate(other.adminKey, { version: "cls-good" })).status).toBe(404);
  });

  it("evaluates on feedback and on both, and fails with the reason without feedback", async () => {
    const t = await classifierTenant("eval-fb");
    const rows = headlines(20, 22);
    await uploadRows(t, rows);
    await registerClassifier(t.tenantId, "cls-v1", rows, true);
    const none = (await (await evaluate(t.adminKey, { test_data_source: "feedback" })).json()) as Accepted;
    expect(none.status).toBe("failed");
    expect(none.message).toMatch(/no feedback with a known category/);

    const p = (await (
      await call("/api/v1/predict", { method: "POST", token: t.adminKey, body: { headline: "coach team match goal" } })
    ).json()) as z.infer<typeof PredictResponse>;
    await call("/api/v1/feedback", {
      method: "POST",
      token: t.adminKey,
      body: { prediction_id: p.prediction_id, feedback_type: "correction", correct_category: "POLITICS" },
    });
    const fb = (await (await evaluate(t.adminKey, { test_data_source: "feedback" })).json()) as Accepted;
    const fbResult = (await (
      await call(`/api/v1/model/evaluate/${fb.evaluation_id}`, { token: t.adminKey })
    ).json()) as Result;
    expect(fbResult).toMatchObject({
      status: "completed",
      test_data_source: "feedback",
      sample_count: 1,
      metrics: { accuracy: 0 },
    });

    const both = (await (
      await evaluate(t.adminKey, { test_data_source: "holdout", include_feedback_data: true })
    ).json()) as Accepted;
    const bothResult = (await (
      await call(`/api/v1/model/evaluate/${both.evaluation_id}`, { token: t.adminKey })
    ).json()) as Result;
    expect(bothResult).toMatchObject({ test_data_source: "both", sample_count: 13 });
  });

  it.each([
    [{ version: "cls-nope" }, 404, undefined],
    [{ test_data_source: "everything" }, 400, "test_data_source"],
  ])("answers %j with %i", async (body, status, field) => {
    const t = await classifierTenant("eval-bad");
    await registerClassifier(t.tenantId, "cls-v1", headlines(5, 1), true);
    const res = await evaluate(t.adminKey, body);
    expect(res.status).toBe(status);
    const err = (await res.json()) as ErrorBody;
    if (field) expect(err.error.details?.field).toBe(field);
    else expect(err.error.code).toBe("NOT_FOUND");
  });

  it("answers 404 for an unknown evaluation and without a production classifier", async () => {
    const t = await classifierTenant("eval-none");
    expect((await call("/api/v1/model/evaluate/eval_missing", { token: t.adminKey })).status).toBe(404);
    expect((await evaluate(t.adminKey, {})).status).toBe(404);
  });
});
