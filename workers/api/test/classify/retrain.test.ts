import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { EvaluationResult, PredictResponse, RetrainCheckResponse, RetrainRunList } from "@edge-ml/core/schemas";
import { call, type SeededTenant } from "../helpers";
import {
  classifierTenant,
  headlines,
  playTrainer,
  registerClassifier,
  scrambled,
  until,
  uploadRows,
} from "./classify-helpers";

type Check = z.infer<typeof RetrainCheckResponse>;
type Runs = z.infer<typeof RetrainRunList>;

const check = async (t: SeededTenant) => {
  const res = await call("/api/v1/model/retrain-check", { method: "POST", token: t.adminKey });
  expect(res.status).toBe(200);
  return (await res.json()) as Check;
};

/** `n` predictions, each answered with a rejection (the production model is wrong about all of them). */
async function rejectAll(t: SeededTenant, n: number) {
  const articles = headlines(Math.ceil(n / 3), 99)
    .slice(0, n)
    .map((r, i) => ({ id: `a${i}`, headline: r.headline }));
  const batch = (await (
    await call("/api/v1/predict/batch", { method: "POST", token: t.adminKey, body: { articles } })
  ).json()) as { results: { prediction_id: string }[] };
  for (const r of batch.results) {
    const res = await call("/api/v1/feedback", {
      method: "POST",
      token: t.adminKey,
      body: { prediction_id: r.prediction_id, feedback_type: "rejection" },
    });
    expect(res.status).toBe(201);
  }
}

async function subscribe(t: SeededTenant) {
  const res = await call("/api/v1/webhooks", {
    method: "POST",
    token: t.adminKey,
    body: {
      url: "https://hooks.example.com/edge-ml",
      events: ["retraining.recommended", "evaluation.completed", "model.deployed"],
    },
  });
  expect(res.status).toBe(201);
}

const deliveries = async (tenantId: string) =>
  (
    await env.DB.prepare("SELECT event, payload FROM webhook_deliveries WHERE tenant_id = ? ORDER BY created_at")
      .bind(tenantId)
      .all<{ event: string; payload: string }>()
  ).results;

describe("POST /api/v1/model/retrain-check", () => {
  it("recommends nothing without feedback, and retraining when feedback accuracy falls below 0.75", async () => {
    const t = await classifierTenant("check");
    await subscribe(t);
    await registerClassifier(t.tenantId, "cls-v1", headlines(10, 1), true);
    const quiet = await check(t);
    expect(quiet).toMatchObject({
      needs_retraining: false,
      reasons: [],
      recommendation: "no_action",
      retraining: null,
    });
    expect(quiet.current_metrics).toMatchObject({ feedback_accuracy: null, correction_rate: 0 });
    expect(quiet.current_metrics.production_accuracy).toEqual(expect.any(Number));

    await rejectAll(t, 21);
    const body = await check(t);
    expect(body).toMatchObject({ needs_retraining: true, recommendation: "trigger_retraining", retraining: null });
    expect(body.reasons).toEqual([expect.stringMatching(/^Accuracy dropped below threshold \(0\.75\) to 0 /)]);
    expect(body.current_metrics.feedback_accuracy).toBe(0);
    const sent = await deliveries(t.tenantId);
    expect(sent.map((d) => d.event)).toEqual(["retraining.recommended"]);
    expect(JSON.parse(sent[0]!.payload).data).toMatchObject({ reasons: body.reasons, production_version: "cls-v1" });

    // Another tenant's feedback is not this one's.
    const other = await classifierTenant("check-other");
    expect(await check(other)).toMatchObject({ needs_retraining: false });
  });
});

describe("the gated retraining loop (classifier_auto_retrain)", () => {
  async function loopWorld(label: string, production: "weak" | "good") {
    const t = await classifierTenant(label);
    await subscribe(t);
    const rows = headlines(40, 31);
    await uploadRows(t, rows);
    await registerClassifier(t.tenantId, "cls-prod", production === "weak" ? scrambled(rows, 5) : rows, true);
    const patch = await call("/api/v1/tenant/settings", {
      method: "PATCH",
      token: t.adminKey,
      body: { classifier_auto_retrain: true },
    });
    expect(patch.status).toBe(200);
    await rejectAll(t, 21);
    const body = await check(t);
    expect(body.retraining).toMatchObject({ status: "training", training_job_id: expect.any(String) });
    return { t, jobId: body.retraining!.training_job_id!, runId: body.retraining!.run_id };
  }

  const runOf = (t: SeededTenant, runId: string) =>
    until(async () => {
      const runs = (await (await call("/api/v1/model/retrain-runs", { token: t.adminKey })).json()) as Runs;
      const run = runs.runs.find((r) => r.run_id === runId);
      return run && run.status !== "training" && run.status !== "evaluating" ? run : undefined;
    });

  it("deploys the candidate when it beats production on the holdout by the threshold", async () => {
    const { t, jobId, runId } = await loopWorld("loop-better", "weak");
    // A second check while the run is open does not start another.
    expect((await check(t)).retraining).toMatchObject({ run_id: runId });
    const { version } = await playTrainer(jobId);
    const run = await runOf(t, runId);
    expect(run).toMatchObject({ status: "deployed", candidate_version: version, production_version: "cls-prod" });
    expect(run.reason).toMatch(/^deployed .* against cls-prod on 24 held-out rows/);
    const evaluation = (await (
      await call(`/api/v1/model/evaluate/${run.evaluation_id}`, { token: t.adminKey })
    ).json()) as z.infer<typeof EvaluationResult>;
    expect(evaluation.comparison_with_production).toMatchObject({ meets_threshold: true, recommendation: "deploy" });
    const p = (await (
      await call("/api/v1/predict", { method: "POST", token: t.adminKey, body: { headline: "senate vote bill" } })
    ).json()) as z.infer<typeof PredictResponse>;
    expect(p.model_version).toBe(version);
    // Each check that recommends says so (two here); the run's steps follow.
    expect((await deliveries(t.tenantId)).map((d) => d.event)).toEqual([
      "retraining.recommended",
      "retraining.recommended",
      "evaluation.completed",
      "model.deployed",
    ]);
  });

  it("keeps production and says why when the candidate is worse", async () => {
    const { t, jobId, runId } = await loopWorld("loop-worse", "good");
    const { version } = await playTrainer(jobId, { scramble: true });
    const run = await runOf(t, runId);
    expect(run).toMatchObject({ status: "kept", candidate_version: version, production_version: "cls-prod" });
    expect(run.reason).toMatch(/^kept cls-prod: candidate .* accuracy -0\.\d+/);
    const p = (await (
      await call("/api/v1/predict", { method: "POST", token: t.adminKey, body: { headline: "senate vote bill" } })
    ).json()) as z.infer<typeof PredictResponse>;
    expect(p.model_version).toBe("cls-prod");
    expect((await deliveries(t.tenantId)).map((d) => d.event)).toEqual([
      "retraining.recommended",
      "evaluation.completed",
    ]);
  });
});
