import { createRoute } from "@hono/zod-openapi";
import {
  ConfusionMatrix,
  EvaluateAccepted,
  EvaluateRequest,
  EvaluationIdParam,
  EvaluationList,
  EvaluationResult,
  ListEvaluationsQuery,
} from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Classification"];

export const start = createRoute({
  method: "post",
  path: "/api/v1/model/evaluate",
  tags,
  summary: "Evaluate a classifier version (classifier-api.md; admin)",
  description:
    "`version` (default: production) on `holdout` (the held-out 20% of the uploaded rows, which training leaves " +
    "out), `feedback` (corrections and confirmations) or `both`; `include_feedback_data: true` with holdout is " +
    "both. The production classifier is scored on the same rows for `comparison_with_production`: " +
    "`meets_threshold` when the version's accuracy is at least 0.01 higher and its macro-F1 not lower. The " +
    "evaluation runs in the Worker before this answers, so `status` is already `completed` (or `failed` with " +
    "the reason, e.g. no feedback to evaluate on). An unknown version is 404.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: { body: jsonBody(EvaluateRequest) },
  responses: {
    202: jsonContent(EvaluateAccepted, "Evaluated"),
    ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503),
  },
});

export const list = createRoute({
  method: "get",
  path: "/api/v1/model/evaluate",
  tags,
  summary: "List the tenant's evaluations, newest first (beyond the contract)",
  description:
    "Each as GET /api/v1/model/evaluate/{evaluation_id} answers it; the first is the latest, whose " +
    "`metrics.confusion_matrix` the console shows. `limit` 1..100 (default 10) and `offset` page.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { query: ListEvaluationsQuery },
  responses: { 200: jsonContent(EvaluationList, "One page"), ...errorResponses(400, 401, 403, 429) },
});

export const get = createRoute({
  method: "get",
  path: "/api/v1/model/evaluate/{evaluation_id}",
  tags,
  summary: "Evaluation results (classifier-api.md)",
  description:
    "Accuracy, macro precision/recall/F1, per-category figures, the comparison with production; " +
    "`metrics.confusion_matrix` links the matrix stored on R2. Another tenant's evaluation is 404.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { params: EvaluationIdParam },
  responses: { 200: jsonContent(EvaluationResult, "The evaluation"), ...errorResponses(400, 401, 403, 404, 429) },
});

export const confusion = createRoute({
  method: "get",
  path: "/api/v1/model/evaluate/{evaluation_id}/confusion-matrix",
  tags,
  summary: "An evaluation's confusion matrix (rows: true category, columns: predicted)",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { params: EvaluationIdParam },
  responses: { 200: jsonContent(ConfusionMatrix, "The matrix"), ...errorResponses(400, 401, 403, 404, 429) },
});
