import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEdgeMlClient, unwrap, type EdgeMlClient } from "@edge-ml/client";
import { newsSample } from "../../scripts/lib/sample-data";
import { startStack, type Stack } from "../../scripts/lib/stack";

/**
 * Text classification on the real stack: `npm start` uploads the labelled news sample and
 * trains the first classifier (deployed on registration), so predict answers on the first run;
 * then corrections, the retrain check and the gated loop (tenant setting
 * classifier_auto_retrain) with the real trainer: a candidate made worse by wrong corrections
 * is kept out of production, and a candidate that beats a weak production is deployed.
 * Rate limits off (WRANGLER_VARS), so a thousand feedback calls take seconds, not minutes.
 * Calls go through the typed client (@edge-ml/client).
 */
const PORT = 18847;
let stack: Stack;
let api: EdgeMlClient;
beforeAll(async () => {
  stack = await startStack(PORT, { WRANGLER_VARS: "RATE_LIMIT_MODE:off" });
  api = createEdgeMlClient({
    baseUrl: stack.base,
    token: stack.credentials.admin_api_key,
    // The stack went away: say what it printed last.
    fetch: (request) =>
      fetch(request).catch((e: unknown) => {
        throw new Error(`${request.url}: ${String(e)}\n${stack.output().slice(-6000)}`);
      }),
  });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${stack.output().slice(-4000)}`);
    await sleep(1000);
  }
}

const production = async () =>
  (
    await unwrap(api.GET("/api/v1/model/versions", { params: { query: { kind: "classifier", limit: 100 } } }))
  ).versions.find((v) => v.is_production);

const sample = newsSample()
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { headline: string; category: string });

async function predictBatch(headlines: string[]) {
  const body = await unwrap(
    api.POST("/api/v1/predict/batch", {
      body: { articles: headlines.map((headline, i) => ({ id: `a${i}`, headline })) },
    }),
  );
  return body.results;
}

async function loopRun() {
  const body = await unwrap(api.POST("/api/v1/model/retrain-check"));
  expect(body.needs_retraining).toBe(true);
  expect(body.reasons.join(" ")).toMatch(/High volume of corrections received/);
  expect(body.retraining).not.toBeNull();
  const runId = body.retraining!.run_id;
  return until(
    `retrain run ${runId}`,
    async () => {
      const { runs } = await unwrap(api.GET("/api/v1/model/retrain-runs"));
      const run = runs.find((r) => r.run_id === runId);
      return run && !["training", "evaluating"].includes(run.status) ? run : undefined;
    },
    300_000,
  );
}

describe("text classification on npm start", () => {
  it("trains the first classifier on the news sample, and predict answers", async () => {
    const first = await until("the first classifier", production, 300_000);
    expect(first.kind).toBe("classifier");
    expect(Object.keys(first.metrics)).toEqual(expect.arrayContaining(["accuracy", "f1_score", "precision", "recall"]));
    expect(stack.output()).toMatch(/uploaded \d+ labelled news headlines/);
    const body = await unwrap(
      api.POST("/api/v1/predict", {
        body: { headline: "Senate Passes Bill To Fund The Government As Shutdown Looms" },
      }),
    );
    expect(body.model_version).toBe(first.version);
    expect(body.category).toBe("POLITICS");
  }, 320_000);

  it("keeps production when wrong corrections make the candidate worse", async () => {
    const before = (await production())!;
    const settings = await api.PATCH("/api/v1/tenant/settings", { body: { classifier_auto_retrain: true } });
    expect(settings.response.status).toBe(200);
    // 1,200 corrections, each to a category the headline is not: feedback that misleads.
    const labels = [...new Set(sample.map((r) => r.category))].filter((c) => c !== "U.S. NEWS");
    const rows = sample.filter((r) => labels.includes(r.category)).slice(0, 1200);
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      const results = await predictBatch(chunk.map((r) => r.headline));
      await Promise.all(
        results.map(async (p, j) => {
          const wrong = labels[(labels.indexOf(chunk[j]!.category) + 7) % labels.length]!;
          const res = await api.POST("/api/v1/feedback", {
            body: { prediction_id: p.prediction_id!, feedback_type: "correction", correct_category: wrong },
          });
          expect(res.response.status).toBe(201);
        }),
      );
    }
    const stats = await unwrap(api.GET("/api/v1/feedback/stats"));
    expect(stats).toMatchObject({ total_feedback: 1200, accuracy_from_feedback: 0 });

    const run = await loopRun();
    expect(run).toMatchObject({ status: "kept", production_version: before.version });
    expect(run.reason).toMatch(/^kept /);
    expect((await production())!.version).toBe(before.version);
  }, 400_000);

  it("deploys the candidate when it beats a weak production by the threshold", async () => {
    // A deliberately weak production: one epoch at a tiny learning rate.
    const weak = await unwrap(
      api.POST("/api/v1/model/train", {
        body: { include_feedback: false, config: { epochs: 1, learning_rate: 0.00001 } },
      }),
    );
    expect(weak.status).toBe("queued");
    const version = await until(
      "the weak classifier",
      async () => {
        const job = await unwrap(
          api.GET("/api/v1/model/train/{job_id}", { params: { path: { job_id: weak.training_job_id } } }),
        );
        if (job.status === "failed") throw new Error(job.error ?? "failed");
        return job.status === "completed" ? job.model_version! : undefined;
      },
      300_000,
    );
    const deploy = await api.POST("/api/v1/model/deploy/{version}", {
      params: { path: { version } },
      body: { kind: "classifier" },
    });
    expect(deploy.response.status).toBe(200);
    const run = await loopRun();
    expect(run).toMatchObject({ status: "deployed", production_version: version });
    expect(run.reason).toMatch(/^deployed .* accuracy \+0\.\d+/);
    expect((await production())!.version).toBe(run.candidate_version);
  }, 700_000);
});
