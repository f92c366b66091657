import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { FeedbackResponse, FeedbackStats, PredictResponse } from "@edge-ml/core/schemas";
import { call, type ErrorBody } from "../helpers";
import { classifierTenant, headlines, registerClassifier } from "./classify-helpers";

type Stats = z.infer<typeof FeedbackStats>;

async function world(label: string) {
  const t = await classifierTenant(label);
  await registerClassifier(t.tenantId, "cls-v1", headlines(30, 11), true);
  const predict = async (headline: string) => {
    const res = await call("/api/v1/predict", { method: "POST", token: t.adminKey, body: { headline } });
    return (await res.json()) as z.infer<typeof PredictResponse>;
  };
  const feedback = (body: unknown, token = t.adminKey) => call("/api/v1/feedback", { method: "POST", token, body });
  return { t, predict, feedback };
}

describe("POST /api/v1/feedback", () => {
  it("records a correction, a confirmation and a rejection (201)", async () => {
    const { t, predict, feedback } = await world("fb");
    const p = await predict("The coach and the team win the match");
    const res = await feedback({
      prediction_id: p.prediction_id,
      feedback_type: "correction",
      correct_category: "POLITICS",
      user_id: "u1",
      comment: "it was about a vote",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as z.infer<typeof FeedbackResponse>;
    expect(body).toMatchObject({ prediction_id: p.prediction_id, status: "recorded" });
    expect(body.feedback_id).toMatch(/^fb_/);
    const row = await env.DB.prepare("SELECT * FROM feedback WHERE id = ?").bind(body.feedback_id).first();
    expect(row).toMatchObject({
      tenant_id: t.tenantId,
      predicted_category: "SPORTS",
      correct_category: "POLITICS",
      feedback_type: "correction",
    });

    expect((await feedback({ prediction_id: p.prediction_id, feedback_type: "confirmation" })).status).toBe(201);
    expect((await feedback({ prediction_id: p.prediction_id, feedback_type: "rejection" })).status).toBe(201);
  });

  it("answers 404 for an unknown prediction and for another tenant's", async () => {
    const a = await world("fb-a");
    const b = await world("fb-b");
    const theirs = await a.predict("Senate vote on the bill");
    for (const id of ["pred_missing", theirs.prediction_id]) {
      const res = await b.feedback({ prediction_id: id, feedback_type: "confirmation" });
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
    }
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM feedback WHERE prediction_id = ?")
      .bind(theirs.prediction_id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it.each([
    [{ feedback_type: "correction", correct_category: "WEATHER" }, "correct_category", /not in the tenant's label set/],
    [{ feedback_type: "correction" }, "correct_category", /needs correct_category/],
    [{ feedback_type: "rejection", correct_category: "SPORTS" }, "correct_category", /rejection carries no/],
    [{ feedback_type: "confirmation", correct_category: "POLITICS" }, "correct_category", /confirmation agrees/],
    [{ feedback_type: "praise" }, "feedback_type", /must be one of/],
  ])("refuses %j with 400 on %s", async (extra, field, message) => {
    const { predict, feedback } = await world("fb-bad");
    const p = await predict("The team wins the league");
    const res = await feedback({ prediction_id: p.prediction_id, ...extra });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.details?.field).toBe(field);
    expect(body.error.message).toMatch(message);
  });
});

describe("GET /api/v1/feedback/stats", () => {
  it("counts predictions and feedback, the rate, the accuracy and corrections by category, with filters", async () => {
    const { t, predict, feedback } = await world("stats");
    const sports = [await predict("coach team match goal"), await predict("league season striker playoff")];
    const politics = [await predict("senate vote election bill"), await predict("president campaign policy congress")];
    expect(sports.every((p) => p.category === "SPORTS") && politics.every((p) => p.category === "POLITICS")).toBe(true);
    await feedback({ prediction_id: sports[0]!.prediction_id, feedback_type: "confirmation" });
    await feedback({
      prediction_id: sports[1]!.prediction_id,
      feedback_type: "correction",
      correct_category: "FOOD & DRINK",
    });
    await feedback({
      prediction_id: politics[0]!.prediction_id,
      feedback_type: "correction",
      correct_category: "SPORTS",
    });

    const all = (await (await call("/api/v1/feedback/stats", { token: t.adminKey })).json()) as Stats;
    expect(all).toMatchObject({
      total_predictions: 4,
      total_feedback: 3,
      feedback_rate: 0.75,
      corrections_by_category: { SPORTS: 1, POLITICS: 1 },
      feedback_by_type: { correction: 2, confirmation: 1, rejection: 0 },
    });
    expect(all.accuracy_from_feedback).toBeCloseTo(1 / 3, 10);

    const onlySports = (await (
      await call("/api/v1/feedback/stats?category=SPORTS", { token: t.adminKey })
    ).json()) as Stats;
    expect(onlySports).toMatchObject({
      total_predictions: 2,
      total_feedback: 2,
      accuracy_from_feedback: 0.5,
      corrections_by_category: { SPORTS: 1 },
    });

    const past = (await (
      await call("/api/v1/feedback/stats?start_date=2020-01-01&end_date=2020-01-31", { token: t.adminKey })
    ).json()) as Stats;
    expect(past).toMatchObject({
      total_predictions: 0,
      total_feedback: 0,
      feedback_rate: 0,
      accuracy_from_feedback: null,
    });
    expect(past.period).toEqual({ start: "2020-01-01T00:00:00.000Z", end: "2020-01-31T23:59:59.999Z" });

    // Another tenant sees none of it.
    const other = await classifierTenant("stats-other");
    const theirs = (await (await call("/api/v1/feedback/stats", { token: other.adminKey })).json()) as Stats;
    expect(theirs).toMatchObject({ total_predictions: 0, total_feedback: 0 });
  });

  it.each([
    ["start_date=yesterday", "start_date"],
    ["end_date=2024-02-30", "end_date"],
    ["start_date=2024-03-01&end_date=2024-02-01", "start_date"],
  ])("refuses %s with 400 on %s", async (query, field) => {
    const t = await classifierTenant("stats-bad");
    const res = await call(`/api/v1/feedback/stats?${query}`, { token: t.adminKey });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.details?.field).toBe(field);
  });
});
