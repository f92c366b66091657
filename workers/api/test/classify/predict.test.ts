import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { BatchPredictResponse, PredictResponse } from "@edge-ml/core/schemas";
import { call, type ErrorBody } from "../helpers";
import { classifierTenant, headlines, LABELS, registerClassifier, until } from "./classify-helpers";

type Predicted = z.infer<typeof PredictResponse>;
type Batch = z.infer<typeof BatchPredictResponse>;

const predict = (token: string, body: unknown) => call("/api/v1/predict", { method: "POST", token, body });

describe("POST /api/v1/predict", () => {
  it("answers 503 SERVICE_UNAVAILABLE while no classifier is deployed, never a 500", async () => {
    const t = await classifierTenant("nomodel");
    const res = await predict(t.adminKey, { headline: "Senate passes the budget bill" });
    expect(res.status).toBe(503);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(body.error.details).toMatchObject({ reason: "no_classifier_deployed" });
  });

  it("classifies with the production classifier and stores the prediction with its version", async () => {
    const t = await classifierTenant("predict");
    await registerClassifier(t.tenantId, "cls-v1", headlines(30, 1), true);
    const res = await predict(t.adminKey, {
      headline: "The coach says the team will win the league match",
      short_description: "A striker scored a late goal",
      request_id: "req-1",
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Predicted;
    expect(body.category).toBe("SPORTS");
    expect(body.model_version).toBe("cls-v1");
    expect(body.request_id).toBe("req-1");
    expect(body.top_categories).toHaveLength(3);
    expect(body.top_categories[0]).toEqual({ category: "SPORTS", confidence: body.confidence });
    expect(body.top_categories.map((c) => c.category).sort()).toEqual([...LABELS].sort());
    const sum = body.top_categories.reduce((s, c) => s + c.confidence, 0);
    expect(sum).toBeCloseTo(1, 5);
    // Written in this isolate's next batch, within PREDICTION_BATCH_MS of the answer.
    const row = await until(
      async () =>
        (await env.DB.prepare("SELECT * FROM predictions WHERE id = ?").bind(body.prediction_id).first()) ?? undefined,
    );
    expect(body.prediction_id).toMatch(/^pred_[0-9a-z]{9}[0-9a-f]{20}$/);
    expect(row).toMatchObject({
      tenant_id: t.tenantId,
      model_version: "cls-v1",
      category: "SPORTS",
      request_id: "req-1",
    });

    // Another tenant's classifier is not this tenant's: it still has none.
    const other = await classifierTenant("predict-other");
    expect((await predict(other.adminKey, { headline: "Senate vote" })).status).toBe(503);
  });

  it.each([
    [{}, "headline", /Headline is required/],
    [{ headline: "" }, "headline", /Headline is required and must be a non-empty string/],
    [{ headline: "   \t " }, "headline", /non-empty/],
    [{ headline: 42 }, "headline", /Headline is required/],
    [{ headline: "x".repeat(501) }, "headline", /at most 500/],
    [{ headline: "ok", short_description: "y".repeat(2001) }, "short_description", /at most 2000/],
  ])("refuses %j with 400 VALIDATION_ERROR on %s", async (input, field, message) => {
    const t = await classifierTenant("predict-bad");
    const res = await predict(t.adminKey, input);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.details?.field).toBe(field);
    expect(body.error.message).toMatch(message);
  });

  it("accepts exactly 500 and 2,000 characters", async () => {
    const t = await classifierTenant("predict-edge");
    await registerClassifier(t.tenantId, "cls-v1", headlines(10, 2), true);
    const res = await predict(t.adminKey, { headline: "h".repeat(500), short_description: "d".repeat(2000) });
    expect(res.status).toBe(200);
  });
});

describe("POST /api/v1/predict/batch", () => {
  it("classifies each article on its own: a bad one gets status error with its field", async () => {
    const t = await classifierTenant("batch");
    await registerClassifier(t.tenantId, "cls-v1", headlines(30, 3), true);
    const res = await call("/api/v1/predict/batch", {
      method: "POST",
      token: t.adminKey,
      body: {
        articles: [
          { id: "a1", headline: "The chef shares a dessert recipe for dinner" },
          { id: "a2", headline: "   " },
          { id: "a3", headline: "Congress votes on the election bill", short_description: "The senate agreed" },
          { id: "a4", headline: "z".repeat(501) },
          "not an article",
        ],
      },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Batch;
    expect(body.model_version).toBe("cls-v1");
    expect(body.results.map((r) => r.status)).toEqual(["success", "error", "success", "error", "error"]);
    expect(body.results[0]).toMatchObject({ id: "a1", category: "FOOD & DRINK" });
    expect(body.results[2]).toMatchObject({ id: "a3", category: "POLITICS" });
    expect(body.results[1]!.error).toMatchObject({ code: "VALIDATION_ERROR", field: "articles.1.headline" });
    expect(body.results[3]!.error?.message).toMatch(/at most 500/);
    expect(body.results[4]).toMatchObject({ id: null, status: "error" });
    const stored = await until(async () => {
      const r = await env.DB.prepare("SELECT count(*) AS n FROM predictions WHERE batch_id = ? AND tenant_id = ?")
        .bind(body.batch_id, t.tenantId)
        .first<{ n: number }>();
      return r && r.n > 0 ? r.n : undefined;
    });
    expect(stored).toBe(2);
  });

  it("takes 100 articles and refuses 101 with 400 on articles", async () => {
    const t = await classifierTenant("batch-size");
    await registerClassifier(t.tenantId, "cls-v1", headlines(10, 4), true);
    const articles = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `a${i}`, headline: `team match ${i}` }));
    const ok = await call("/api/v1/predict/batch", {
      method: "POST",
      token: t.adminKey,
      body: { articles: articles(100) },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Batch).results.every((r) => r.status === "success")).toBe(true);
    const res = await call("/api/v1/predict/batch", {
      method: "POST",
      token: t.adminKey,
      body: { articles: articles(101) },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.details?.field).toBe("articles");
    expect(body.error.message).toMatch(/At most 100 articles/);
  });

  it("answers 503 without a classifier", async () => {
    const t = await classifierTenant("batch-nomodel");
    const res = await call("/api/v1/predict/batch", {
      method: "POST",
      token: t.adminKey,
      body: { articles: [{ headline: "x" }] },
    });
    expect(res.status).toBe(503);
  });
});
