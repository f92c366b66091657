import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { createRouter } from "./lib/create-router";
import { limitBody } from "./middleware/body-limit";
import { cors } from "./middleware/cors";
import { meterUsage } from "./middleware/meter-usage";
import { rateLimits } from "./middleware/rate-limit";
import { notFound, onError } from "./middleware/errors";
import { requestContext } from "./middleware/request-context";
import { securityHeaders } from "./middleware/security-headers";
import { abuseRouter } from "./metering/abuse/abuse.index";
import { apiKeysRouter } from "./access/api-keys/api-keys.index";
import { authRouter } from "./access/auth/auth.index";
import { openapiHandler, referenceHandler } from "./platform/docs/docs.handlers";
import * as docsRoutes from "./platform/docs/docs.routes";
import { debugRouter } from "./serving/debug/debug.index";
import { deadLettersRouter } from "./ingest/dead-letters/dead-letters.index";
import { embeddingsRouter } from "./serving/embeddings/embeddings.index";
import { itemsRouter } from "./serving/items/items.index";
import { recommendationsRouter } from "./serving/recommendations/recommendations.index";
import { searchRouter } from "./serving/search/search.index";
import { healthRouter } from "./platform/health/health.index";
import { metricsRouter } from "./platform/metrics/metrics.index";
import { ingestRouter } from "./ingest/events/events.index";
import { tenantRouter } from "./access/tenant/tenant.index";
import { trainingDataRouter } from "./ingest/training-data/training-data.index";
import { trainingRouter } from "./training/jobs/jobs.index";
import { modelVersionsRouter } from "./training/model-versions/model-versions.index";
import { evaluationsRouter } from "./classify/evaluations/evaluations.index";
import { feedbackRouter } from "./classify/feedback/feedback.index";
import { labelsRouter } from "./classify/labels/labels.index";
import { modelTrainRouter } from "./classify/model-train/model-train.index";
import { predictRouter } from "./classify/predict/predict.index";
import { retrainCheckRouter } from "./classify/retrain-check/retrain-check.index";
import { labelledDataRouter } from "./classify/training-data/training-data.index";
import { webhooksRouter } from "./webhooks/webhooks/webhooks.index";
import { usageRouter } from "./metering/usage/usage.index";
import { usersRouter } from "./access/users/users.index";
import { experimentsRouter } from "./experiments/experiments/experiments.index";
import { assignmentsRouter } from "./experiments/assignments/assignments.index";
import { resultsRouter } from "./experiments/results/results.index";
import { shadowRouter } from "./experiments/shadow/shadow.index";
import { challengersRouter } from "./experiments/challengers/challengers.index";
import { consoleSessionRouter } from "./console/session/session.index";
import { consoleShellRouter } from "./console/shell/shell.index";

/** Resource routers, in the order they appear in the reference. Add new ones here. */
const routers = [
  healthRouter,
  metricsRouter,
  authRouter,
  tenantRouter,
  usersRouter,
  apiKeysRouter,
  ingestRouter,
  itemsRouter,
  searchRouter,
  recommendationsRouter,
  debugRouter,
  embeddingsRouter,
  deadLettersRouter,
  trainingDataRouter,
  trainingRouter,
  modelVersionsRouter,
  predictRouter,
  feedbackRouter,
  labelsRouter,
  labelledDataRouter,
  modelTrainRouter,
  evaluationsRouter,
  retrainCheckRouter,
  webhooksRouter,
  usageRouter,
  abuseRouter,
  experimentsRouter,
  assignmentsRouter,
  resultsRouter,
  shadowRouter,
  challengersRouter,
  consoleShellRouter,
  consoleSessionRouter,
];

/** Builds the api worker's Hono app: middleware, every resource router, docs, errors. */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.use("*", securityHeaders());
  app.use("*", requestContext());
  app.use("*", cors());
  app.use("*", meterUsage());
  app.use("*", rateLimits());
  app.use("*", limitBody());
  for (const router of routers) app.route("/", router);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key (`sk_live_...` / `sk_test_...`) or an access JWT from POST /api/v1/auth/login.",
  });
  app.openapi(docsRoutes.openapi, openapiHandler(() => app) as never);
  app.openapi(docsRoutes.reference, referenceHandler as never);

  app.onError(onError);
  app.notFound(notFound(() => app.routes));
  return app;
}
