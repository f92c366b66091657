import { createRoute } from "@hono/zod-openapi";
import { RetrainCheckResponse, RetrainRunList } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Classification"];

export const check = createRoute({
  method: "post",
  path: "/api/v1/model/retrain-check",
  tags,
  summary: "Check whether the classifier needs retraining (classifier-api.md; admin)",
  description:
    "Over the last 7 days: the feedback accuracy (confirmations over all feedback, judged on 20 feedback or more) " +
    "against 0.75, and the corrections against 100. Either recommends retraining and fires " +
    "`retraining.recommended`; with the tenant setting `classifier_auto_retrain` it also starts the gated loop " +
    "(`retraining`: train with feedback, evaluate against production on the holdout, deploy only if better; " +
    "GET /api/v1/model/retrain-runs says what each run did and why).",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  responses: { 200: jsonContent(RetrainCheckResponse, "The check"), ...errorResponses(401, 403, 429) },
});

export const runs = createRoute({
  method: "get",
  path: "/api/v1/model/retrain-runs",
  tags,
  summary: "The gated retraining loop's runs, newest first (beyond the contract)",
  description:
    "Each run's state (training, evaluating, deployed, kept, failed), its versions, evaluation and the reason.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  responses: { 200: jsonContent(RetrainRunList, "The last 20 runs"), ...errorResponses(401, 403, 429) },
});
