import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { decodeLabelledParquet } from "@edge-ml/core/classify";
import type { ModelVersionList, PredictResponse, TrainClassifierResponse } from "@edge-ml/core/schemas";
import { call, type ErrorBody } from "../helpers";
import { classifierTenant, headlines, playTrainer, registerClassifier, uploadRows } from "./classify-helpers";

type Train = z.infer<typeof TrainClassifierResponse>;

const train = (token: string, body: unknown = {}) => call("/api/v1/model/train", { method: "POST", token, body });
const jobRow = (id: string) =>
  env.DB.prepare("SELECT * FROM training_jobs WHERE id = ?").bind(id).first<Record<string, string | number | null>>();

describe("POST /api/v1/model/train", () => {
  it("fails the job with the reason when there is no labelled data, or a single class", async () => {
    const t = await classifierTenant("train-empty");
    const none = (await (await train(t.adminKey)).json()) as Train;
    expect(none).toMatchObject({ status: "failed", error: expect.stringMatching(/no labelled data/) });
    expect(await jobRow(none.training_job_id)).toMatchObject({ status: "failed", model_type: "classifier" });

    await uploadRows(
      t,
      headlines(5, 1).filter((r) => r.category === "SPORTS"),
    );
    const res = await train(t.adminKey);
    expect(res.status).toBe(202);
    const one = (await res.json()) as Train;
    expect(one.status).toBe("failed");
    expect(one.error).toMatch(/one class only \(SPORTS\)/);
    const status = await (await call(`/api/v1/model/train/${one.training_job_id}`, { token: t.adminKey })).json();
    expect(status).toMatchObject({ status: "failed", model_type: "classifier", error: one.error });
  });

  it.each([
    [{ config: { epochs: 0 } }, "config.epochs"],
    [{ config: { batch_size: 1.5 } }, "config.batch_size"],
    [{ config: { learning_rate: -1 } }, "config.learning_rate"],
    [{ config: { momentum: 0.9 } }, "config"],
    [{ include_feedback: "yes" }, "include_feedback"],
  ])("refuses %j with 400 on %s", async (body, field) => {
    const t = await classifierTenant("train-bad");
    const res = await train(t.adminKey, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.details?.field).toBe(field);
  });

  it("queues a classifier job on the uploads and the feedback, and one at a time", async () => {
    const t = await classifierTenant("train-queue");
    await registerClassifier(t.tenantId, "cls-v0", headlines(10, 2), true);
    await uploadRows(t, headlines(10, 3));
    const p = (await (
      await call("/api/v1/predict", { method: "POST", token: t.adminKey, body: { headline: "senate vote" } })
    ).json()) as z.infer<typeof PredictResponse>;
    await call("/api/v1/feedback", {
      method: "POST",
      token: t.adminKey,
      body: { prediction_id: p.prediction_id, feedback_type: "correction", correct_category: "FOOD & DRINK" },
    });

    const res = await train(t.adminKey, {
      include_feedback: true,
      config: { epochs: 4, batch_size: 16, learning_rate: 0.2 },
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Train;
    expect(body).toMatchObject({ status: "queued", message: "Training job queued successfully", error: null });
    const row = (await jobRow(body.training_job_id))!;
    expect(row).toMatchObject({ model_type: "classifier", status: "queued", total_epochs: 4 });
    expect(JSON.parse(row.hyperparameters as string)).toEqual({ epochs: 4, batch_size: 16, learning_rate: 0.2 });
    const inputs = JSON.parse(row.inputs as string) as {
      files: { name: string; key: string; row_count: number }[];
      labels: string[];
    };
    expect(inputs.labels).toEqual(["SPORTS", "POLITICS", "FOOD & DRINK"]);
    expect(inputs.files.map((f) => f.row_count)).toEqual([30, 1]);
    expect(inputs.files.every((f) => f.key.startsWith(`tenants/${t.tenantId}/classifier/`))).toBe(true);
    const fb = await decodeLabelledParquet(await (await env.DATA.get(inputs.files[1]!.key))!.arrayBuffer());
    expect(fb).toEqual([
      expect.objectContaining({ headline: "senate vote", category: "FOOD & DRINK", source: "feedback" }),
    ]);

    const second = await train(t.adminKey);
    expect(second.status).toBe(409);
    expect(((await second.json()) as ErrorBody).error.details).toMatchObject({ job_id: body.training_job_id });
  });
});

describe("a classifier job through the dispatcher and the trainer contract", () => {
  it("serves the labelled files, registers a classifier version and deploys the first one", async () => {
    const t = await classifierTenant("train-flow");
    await uploadRows(t, headlines(20, 5));
    const job = (await (await train(t.adminKey, { include_feedback: false })).json()) as Train;
    expect(job.status).toBe("queued");

    // Another tenant cannot read this job's files with a URL of its own making.
    const foreign = await call(
      `/trainer/jobs/${job.training_job_id}/data/labelled/x.parquet?exp=9999999999&sig=${"0".repeat(64)}`,
    );
    expect(foreign.status).toBe(403);

    const { version } = await playTrainer(job.training_job_id);
    expect(await jobRow(job.training_job_id)).toMatchObject({ status: "completed", model_version: version });

    const list = (await (
      await call("/api/v1/model/versions?kind=classifier", { token: t.adminKey })
    ).json()) as z.infer<typeof ModelVersionList>;
    expect(list.versions).toHaveLength(1);
    const v = list.versions[0]!;
    expect(v).toMatchObject({
      version,
      kind: "classifier",
      model_type: "classifier",
      is_production: true,
      status: "active",
    });
    expect(Object.keys(v.metrics).sort()).toEqual(["accuracy", "f1_score", "precision", "recall"]);

    const res = await call("/api/v1/predict", {
      method: "POST",
      token: t.adminKey,
      body: { headline: "the chef bakes a dessert recipe" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ model_version: version, category: "FOOD & DRINK" });

    // The tenant's recommender registry is untouched.
    const recs = (await (
      await call("/api/v1/model/versions?kind=recommender", { token: t.adminKey })
    ).json()) as z.infer<typeof ModelVersionList>;
    expect(recs.total).toBe(0);
  });
});
