import type { RouteHandler } from "@hono/zod-openapi";
import { EXPOSITION_CONTENT_TYPE, renderExposition } from "@edge-ml/core/metrics/exposition";
import { buildExposition } from "./exposition-families";
import type { AppEnv } from "../../env";
import { flushMetrics, metricsObject } from "./recorder";
import { modelMetrics } from "./model-metrics";
import { requireOperatorToken } from "./operator-token";
import type * as routes from "./metrics.routes";

export const metrics: RouteHandler<typeof routes.metrics, AppEnv> = async (c) => {
  await requireOperatorToken(c.env.METRICS_TOKEN, c.req.header("authorization"));
  // This isolate's own batch first, so a scrape is exact for what it served; other
  // isolates' counts arrive within METRICS_BATCH_MS of their requests.
  await flushMetrics(c.env, true).catch((e) => c.get("logger").warn("Metrics batch failed", { error: String(e) }));
  // The model metrics are D1 reads: if D1 fails, the scrape still answers with the counts.
  const noModels = { quality: [], trainingDuration: [], trainingLoss: [] };
  const [snapshot, models] = await Promise.all([
    metricsObject(c.env).snapshot(),
    modelMetrics(c.env.DB).catch((e) => {
      c.get("logger").warn("Model metrics unavailable", { error: String(e) });
      return noModels;
    }),
  ]);
  return c.text(renderExposition(buildExposition(snapshot, models)), 200, {
    "content-type": EXPOSITION_CONTENT_TYPE,
    "cache-control": "no-store",
  });
};
