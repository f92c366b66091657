import { createRoute } from "@hono/zod-openapi";
import {
  JobIdParam,
  ListJobsQuery,
  TrainingJobList,
  TrainingJobStatus,
  TriggerTrainingRequest,
  TriggerTrainingResponse,
} from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Training"];

export const trigger = createRoute({
  method: "post",
  path: "/internal/ml/training/trigger",
  tags,
  summary: "Trigger model training (platform-api.md section 1; admin)",
  description:
    "`tenant_id` must be the credential's tenant (403 otherwise). Validates the model type, the hyperparameters " +
    "(400 with `details.field`, e.g. `training_config.hyperparameters.factors`) and the data range, then queues the " +
    "job for the trainer. At most one queued or running job per tenant and model kind: a second trigger gets 409 " +
    "with the running job's id in `details.job_id`. A well-formed request that cannot train is answered 202 with " +
    "`status: failed` and the reason in `error` (the job is recorded failed, nothing is queued): no training data " +
    "in the range. A model type with no trainer configured (TRAINER_URL_<TYPE> = none) fails at dispatch with the reason. " +
    "`estimated_duration_minutes` scales bench/train's 0.9 s per iteration per 1M interactions at 64 factors.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: { body: jsonBody(TriggerTrainingRequest) },
  responses: {
    202: jsonContent(TriggerTrainingResponse, "Job created: queued, or failed at once with the reason"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 503),
  },
});

export const list = createRoute({
  method: "get",
  path: "/api/v1/model/train",
  tags,
  summary: "List training jobs of both kinds, newest first (beyond the contract)",
  description:
    "Each as GET /api/v1/model/train/{job_id} answers it, history included. `status` filters (queued, running, " +
    "completed, failed, cancelled); `limit` 1..100 (default 10) and `offset` page. Rate limited with the rest of " +
    "`/api/v1/model/*`.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { query: ListJobsQuery },
  responses: { 200: jsonContent(TrainingJobList, "One page"), ...errorResponses(400, 401, 403, 429) },
});

export const status = createRoute({
  method: "get",
  path: "/api/v1/model/train/{job_id}",
  tags,
  summary: "Training job status (classifier-api.md), with per-epoch history",
  description:
    "Any job of the caller's tenant; another tenant's job is 404. Rate limited with the rest of " +
    "`/api/v1/model/*` (10/min per tenant on the starter and pro plans): poll every 10 s or so, or subscribe " +
    "to `training.*` webhooks.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { params: JobIdParam },
  responses: {
    200: jsonContent(TrainingJobStatus, "The job"),
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export const cancel = createRoute({
  method: "post",
  path: "/api/v1/model/train/{job_id}/cancel",
  tags,
  summary: "Cancel a queued or running training job (admin)",
  description:
    "queued or running -> cancelled; cancelling a cancelled job answers it unchanged; a completed or failed job is 409.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: { params: JobIdParam },
  responses: {
    200: jsonContent(TrainingJobStatus, "The cancelled job"),
    ...errorResponses(400, 401, 403, 404, 409, 429),
  },
});
