import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { createRouter } from "./lib/create-router";
import { limitBody } from "./middleware/body-limit";
import { meterUsage } from "./middleware/meter-usage";
import { rateLimits } from "./middleware/rate-limit";
import { notFound, onError } from "./middleware/errors";
import { requestContext } from "./middleware/request-context";
import { abuseRouter } from "./routes/abuse/abuse.index";
import { apiKeysRouter } from "./routes/api-keys/api-keys.index";
import { authRouter } from "./routes/auth/auth.index";
import { openapiHandler, referenceHandler } from "./routes/docs/docs.handlers";
import * as docsRoutes from "./routes/docs/docs.routes";
import { debugRouter } from "./routes/debug/debug.index";
import { deadLettersRouter } from "./routes/dead-letters/dead-letters.index";
import { embeddingsRouter } from "./routes/embeddings/embeddings.index";
import { recommendationsRouter } from "./routes/recommendations/recommendations.index";
import { searchRouter } from "./routes/search/search.index";
import { healthRouter } from "./routes/health/health.index";
import { ingestRouter } from "./routes/ingest/ingest.index";
import { tenantRouter } from "./routes/tenant/tenant.index";
import { trainingDataRouter } from "./routes/training-data/training-data.index";
import { trainingRouter } from "./routes/training/training.index";
import { modelVersionsRouter } from "./routes/model-versions/model-versions.index";
import { webhooksRouter } from "./routes/webhooks/webhooks.index";
import { usageRouter } from "./routes/usage/usage.index";
import { usersRouter } from "./routes/users/users.index";

/** Resource routers, in the order they appear in the reference. Add new ones here. */
const routers = [
  healthRouter,
  authRouter,
  tenantRouter,
  usersRouter,
  apiKeysRouter,
  ingestRouter,
  searchRouter,
  recommendationsRouter,
  debugRouter,
  embeddingsRouter,
  deadLettersRouter,
  trainingDataRouter,
  trainingRouter,
  modelVersionsRouter,
  webhooksRouter,
  usageRouter,
  abuseRouter,
];

/** Builds the api worker's Hono app: middleware, every resource router, docs, errors. */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.use("*", requestContext());
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
