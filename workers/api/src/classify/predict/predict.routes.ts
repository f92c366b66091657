import { createRoute } from "@hono/zod-openapi";
import { BatchPredictRequest, BatchPredictResponse, PredictRequest, PredictResponse } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Classification"];
const noModel =
  "503 SERVICE_UNAVAILABLE (`details.reason: no_classifier_deployed`) while the tenant has no classifier in production.";

export const predict = createRoute({
  method: "post",
  path: "/api/v1/predict",
  tags,
  summary: "Classify a headline (classifier-api.md)",
  description:
    "The tenant's production classifier: `category`, its calibrated `confidence` and the top 3 categories. " +
    "Every prediction is stored with its model version (`prediction_id`, for feedback). `headline` is required, " +
    `non-blank, at most 500 characters; \`short_description\` at most 2,000. ${noModel}`,
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { body: jsonBody(PredictRequest) },
  responses: {
    200: jsonContent(PredictResponse, "The prediction"),
    ...errorResponses(400, 401, 403, 413, 415, 429, 503),
  },
});

export const batch = createRoute({
  method: "post",
  path: "/api/v1/predict/batch",
  tags,
  summary: "Classify up to 100 articles (classifier-api.md)",
  description:
    "Each article is validated on its own: a bad one gets `status: error` with its `error.field`, the others " +
    `\`status: success\`. More than 100 articles is a 400 (\`field: articles\`). ${noModel}`,
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { body: jsonBody(BatchPredictRequest) },
  responses: {
    200: jsonContent(BatchPredictResponse, "One result per article, in order"),
    ...errorResponses(400, 401, 403, 413, 415, 429, 503),
  },
});
