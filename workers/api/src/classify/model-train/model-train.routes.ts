import { createRoute } from "@hono/zod-openapi";
import { TrainClassifierRequest, TrainClassifierResponse } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

export const train = createRoute({
  method: "post",
  path: "/api/v1/model/train",
  tags: ["Classification"],
  summary: "Train a classifier (classifier-api.md; admin)",
  description:
    "Queues a `classifier` job on the trainer: every labelled upload of the tenant (POST /api/v1/model/training-data) " +
    "and, with `include_feedback` (default true), the corrections and confirmations so far. `config.epochs`, " +
    "`batch_size` and `learning_rate` fix those settings of the softmax head; the others are chosen on a validation " +
    "split. Data that cannot train a classifier (none, or a single category) gives 202 with `status: failed` and " +
    "the reason in `error`. One classifier job at a time per tenant (409 with the running job's id). Follow it " +
    "with GET /api/v1/model/train/{job_id}; the tenant's first classifier is deployed when it is registered.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: { body: jsonBody(TrainClassifierRequest) },
  responses: {
    202: jsonContent(TrainClassifierResponse, "Queued, or failed at once with the reason"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503),
  },
});
