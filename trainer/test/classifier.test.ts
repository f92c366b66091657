import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeClassifier,
  encodeLabelledParquet,
  predictText,
  splitStratified,
  type StoredLabelledRow,
} from "@edge-ml/core/classify";
import { CLASSIFIER_HOLDOUT } from "@edge-ml/core/schemas/classify-model";
import { fitClassifierJob } from "../src/classifier";
import { runJob, type JobSpec } from "../src/job";
import { callbackOf, startReceiver, type Receiver } from "./receiver";

/**
 * The `classifier` family on a real slice of the news sample (data/news, CC BY 4.0): the rows
 * of four categories among the first 2,500, as the dispatcher would serve them (labelled
 * Parquet written by core/classify), some marked as feedback.
 */
const CATEGORIES = ["POLITICS", "ENTERTAINMENT", "WORLD NEWS", "SPORTS"];
const rows: StoredLabelledRow[] = readFileSync(
  new URL("../../data/news/huffpost-news-category-v3-first10000.jsonl", import.meta.url),
  "utf8",
)
  .split("\n")
  .slice(0, 2500)
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { headline: string; short_description: string; category: string })
  .filter((r) => CATEGORIES.includes(r.category))
  .slice(0, 900)
  .map((r, i) => ({
    example_id: `ex-${i}`,
    headline: r.headline,
    short_description: r.short_description,
    category: r.category,
    source: i % 10 === 0 ? ("feedback" as const) : ("upload" as const),
    created_at: "2026-01-01T00:00:00.000Z",
  }));
const files: Record<string, Uint8Array> = {
  "/data/part-0.parquet": encodeLabelledParquet(rows.slice(0, 500)),
  "/data/part-1.parquet": encodeLabelledParquet(rows.slice(500)),
  "/data/empty.parquet": encodeLabelledParquet([]),
};
const uploaded: Record<string, Uint8Array> = {};

let dispatcher: Receiver;
beforeAll(async () => {
  dispatcher = await startReceiver((req) => {
    if (req.method === "GET" && files[req.path]) return { status: 200, body: files[req.path] };
    if (req.method === "PUT" && req.path.startsWith("/artifacts/")) {
      uploaded[decodeURIComponent(req.path.slice("/artifacts/".length))] = new Uint8Array(req.body);
    }
    return { status: 200, body: "ok" };
  });
});
afterAll(() => dispatcher.close());

let jobs = 0;
function spec(paths: string[], overrides: Partial<JobSpec> = {}): JobSpec {
  const id = `c${String(++jobs).padStart(7, "0")}-0000-4000-8000-000000000000`;
  return {
    job_id: id,
    tenant_id: "tenant-1",
    model_type: "classifier",
    hyperparameters: {},
    data: { files: paths.map((p) => ({ url: `${dispatcher.url}${p}`, row_count: 0, size_bytes: files[p]!.length })) },
    callback: { url: `${dispatcher.url}/callback`, secret: "job-callback-secret-0123456789" },
    artifacts: { url: `${dispatcher.url}/artifacts/{name}` },
    heartbeat_seconds: 30,
    labels: CATEGORIES,
    ...overrides,
  };
}
const callbacksOf = (id: string) =>
  dispatcher.received
    .filter((r) => r.path === "/callback")
    .map(callbackOf)
    .filter((c) => c.job_id === id);

describe("a classifier job (runJob, model_type classifier)", () => {
  it("reads the labelled files, reports every epoch, uploads model.json and classifier.bin, completes with the contract's metrics", async () => {
    const s = spec(["/data/part-0.parquet", "/data/part-1.parquet"], {
      hyperparameters: { epochs: 3, batch_size: 32, learning_rate: 0.8 },
    });
    await runJob(s, () => {});
    const calls = callbacksOf(s.job_id);
    expect(calls.map((c) => c.type)).toContain("started");
    expect(calls.find((c) => c.type === "started")!.total_epochs).toBe(3);
    const epochs = calls.filter((c) => c.type === "progress" && c.epoch !== undefined);
    expect(epochs.map((c) => [c.epoch, c.total_epochs])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    for (const e of epochs)
      expect(Object.keys(e.metrics as object).sort()).toEqual(["current_accuracy", "current_loss"]);
    const done = calls.at(-1)!;
    expect(done.type).toBe("completed");
    expect(done.artifacts).toEqual(["model.json", "classifier.bin"]);
    const metrics = done.metrics as Record<string, number>;
    for (const name of ["accuracy", "f1_score", "precision", "recall", "ece"]) {
      expect(metrics[name]).toBeGreaterThanOrEqual(0);
      expect(metrics[name]).toBeLessThanOrEqual(1);
    }
    // Four well-separated news sections: far above the 1/4 of chance on the untouched holdout.
    expect(metrics.accuracy).toBeGreaterThan(0.7);
    const manifest = JSON.parse(new TextDecoder().decode(uploaded["model.json"]));
    expect(manifest).toMatchObject({ model_type: "classifier", kind: "classifier", labels: CATEGORIES, metrics });
    expect((manifest.chosen as Record<string, number>).epochs).toBe(3);
    const model = decodeClassifier(uploaded["classifier.bin"]!);
    expect(model.labels).toEqual(CATEGORIES);
    expect(predictText(model, { headline: "Senate passes the budget bill after a long night of votes" }).category).toBe(
      "POLITICS",
    );
  });

  it("fails with the reason when the files hold no labelled row", async () => {
    const s = spec(["/data/empty.parquet"]);
    await runJob(s, () => {});
    const last = callbacksOf(s.job_id).at(-1)!;
    expect(last.type).toBe("failed");
    expect(last.error).toMatch(/no labelled data/);
  });

  it("fails with the reason when the label set leaves a single class", async () => {
    const s = spec(["/data/part-0.parquet"], { labels: ["SPORTS", "TRAVEL"] });
    await runJob(s, () => {});
    const last = callbacksOf(s.job_id).at(-1)!;
    expect(last.type).toBe("failed");
    expect(last.error).toMatch(/single category \(SPORTS\)/);
  });
});

describe("the classifier family (fitClassifierJob)", () => {
  it("keeps the api's evaluation holdout out of training and scores on it; feedback rows only train", async () => {
    const trials: number[] = [];
    const result = await fitClassifierJob(
      rows,
      CATEGORIES,
      { epochs: 2 },
      {
        checkStopped: () => {},
        onTrial: (_t, done) => void trials.push(done),
        onEpoch: () => {},
      },
    );
    const uploads = rows.filter((r) => r.source === "upload");
    const holdout = splitStratified(uploads, CLASSIFIER_HOLDOUT.share, CLASSIFIER_HOLDOUT.seed).test;
    const feedback = rows.length - uploads.length;
    expect(result.metrics.holdout_size).toBe(holdout.length);
    expect(result.metrics.train_size).toBe(uploads.length - holdout.length + feedback);
    expect(result.manifest.metrics_from).toBe("holdout");
    // The learning rate was not given: searched over the grid, each trial reported.
    expect(trials.length).toBeGreaterThan(1);
  });
});
