import type { RouteHandler } from "@hono/zod-openapi";
import { PredictArticle } from "@edge-ml/core/schemas";
import type { AppEnv } from "../../env";
import type { Context } from "hono";
import { requestVariant } from "../../experiments/services/apply";
import { classifierVersion, productionClassifier } from "../services/classifier-model";
import { schedulePredictionFlush } from "../services/prediction-writes";
import { classify, storePredictions, type Prediction, type TextInput } from "../services/predictions";
import type * as routes from "./predict.routes";

/** The predictions just queued are written within PREDICTION_BATCH_MS, under this request's waitUntil. */
const flushSoon = (c: Context<AppEnv>) =>
  schedulePredictionFlush(
    c.env,
    (p) => c.executionCtx.waitUntil(p),
    (e) => c.get("logger").error("Predictions not stored", { error: String(e) }),
  );

const ms = (start: number) => Math.round((performance.now() - start) * 1000) / 1000;

export const predict: RouteHandler<typeof routes.predict, AppEnv> = async (c) => {
  const start = performance.now();
  const body = c.req.valid("json");
  const tenantId = c.get("principal").tenantId;
  // A running experiment on `predict` classifies the user's variant with its own version.
  const served = await requestVariant(c, "predict", body.user_id);
  const version = served?.config.classifier_version;
  const classifier = version
    ? await classifierVersion(c.env, tenantId, version)
    : await productionClassifier(c.env, tenantId);
  const input: TextInput = {
    headline: body.headline,
    ...(body.short_description ? { short_description: body.short_description } : {}),
  };
  const prediction = classify(classifier, input);
  storePredictions(tenantId, classifier.version, [{ input, prediction, requestId: body.request_id }]);
  flushSoon(c);
  c.set("usage", { predictions: 1 });
  return c.json(
    {
      ...prediction,
      model_version: classifier.version,
      processing_time_ms: ms(start),
      correlation_id: c.get("correlationId"),
      request_id: body.request_id ?? null,
      ...(served ? { experiment: { experiment_id: served.experimentId, variant: served.variant } } : {}),
    },
    200,
  );
};

type Result =
  | { id: string | null; status: "success"; prediction_id: string; category: string; confidence: number }
  | { id: string | null; status: "error"; error: { code: string; message: string; field?: string } };

export const batch: RouteHandler<typeof routes.batch, AppEnv> = async (c) => {
  const start = performance.now();
  const { articles } = c.req.valid("json");
  const tenantId = c.get("principal").tenantId;
  const classifier = await productionClassifier(c.env, tenantId);
  const batchId = `batch_${crypto.randomUUID().replace(/-/g, "")}`;
  const stored: { input: TextInput; prediction: Prediction; batchId: string }[] = [];
  const results: Result[] = articles.map((raw, i) => {
    const parsed = PredictArticle.safeParse(raw);
    const id = typeof (raw as { id?: unknown })?.id === "string" ? (raw as { id: string }).id : null;
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = `articles.${i}${issue.path.length ? `.${issue.path.map(String).join(".")}` : ""}`;
      return { id, status: "error", error: { code: "VALIDATION_ERROR", message: issue.message, field } };
    }
    const a = parsed.data;
    const input: TextInput = {
      headline: a.headline,
      ...(a.short_description ? { short_description: a.short_description } : {}),
    };
    const prediction = classify(classifier, input);
    stored.push({ input, prediction, batchId });
    return {
      id,
      status: "success",
      prediction_id: prediction.prediction_id,
      category: prediction.category,
      confidence: prediction.confidence,
    };
  });
  storePredictions(tenantId, classifier.version, stored);
  flushSoon(c);
  c.set("usage", { predictions: stored.length });
  return c.json(
    {
      batch_id: batchId,
      results,
      model_version: classifier.version,
      total_processing_time_ms: ms(start),
      correlation_id: c.get("correlationId"),
    },
    200,
  );
};
