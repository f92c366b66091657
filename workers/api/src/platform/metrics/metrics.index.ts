import { createRouter } from "../../lib/create-router";
import * as handlers from "./metrics.handlers";
import * as routes from "./metrics.routes";

export const metricsRouter = createRouter().openapi(routes.metrics, handlers.metrics);

metricsRouter.openAPIRegistry.registerComponent("securitySchemes", "metricsToken", {
  type: "http",
  scheme: "bearer",
  description: "The operator's METRICS_TOKEN secret (npm start: `metrics_token` in the credentials file).",
});
