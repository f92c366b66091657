import { createRoute } from "@hono/zod-openapi";
import {
  CreateExperimentRequest,
  Experiment,
  ExperimentCreated,
  ExperimentIdParam,
  ExperimentList,
  ListExperimentsQuery,
  UpdateExperimentRequest,
} from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Experiments"];
const admin = [authenticate(), requirePermission("admin")];

export const create = createRoute({
  method: "post",
  path: "/experiments",
  tags,
  summary: "Create an experiment (admin); it starts running",
  description:
    "`traffic_split` keys must equal the variants, each share in (0, 1], summing to 1 within 1e-9. A variant's " +
    "`ranking_weights` are four non-negative numbers; `model_version` / `classifier_version` must exist for the tenant. " +
    "Experiments on a shared surface must share a namespace, where each takes a disjoint range of users (409 otherwise).",
  security: bearerSecurity,
  middleware: admin,
  request: { body: jsonBody(CreateExperimentRequest) },
  responses: {
    201: jsonContent(ExperimentCreated, "Created, running"),
    ...errorResponses(400, 401, 403, 409, 415, 429),
  },
});

export const list = createRoute({
  method: "get",
  path: "/experiments",
  tags,
  summary: "List the tenant's experiments, newest first (admin; beyond the contract)",
  description: "`status` filters by running, paused or completed; `limit` 1..100 (default 20) and `offset` page.",
  security: bearerSecurity,
  middleware: admin,
  request: { query: ListExperimentsQuery },
  responses: { 200: jsonContent(ExperimentList, "One page"), ...errorResponses(400, 401, 403, 429) },
});

export const get = createRoute({
  method: "get",
  path: "/experiments/{experiment_id}",
  tags,
  summary: "An experiment's configuration and status (admin)",
  security: bearerSecurity,
  middleware: admin,
  request: { params: ExperimentIdParam },
  responses: { 200: jsonContent(Experiment, "The experiment"), ...errorResponses(400, 401, 403, 404, 429) },
});

export const update = createRoute({
  method: "patch",
  path: "/experiments/{experiment_id}",
  tags,
  summary: "Pause, resume or complete an experiment, or change its split (admin; beyond the contract)",
  description:
    "status: running | paused | completed (completed is final: 409 afterwards). A new traffic_split over the same " +
    "variants moves only new users: everyone already assigned keeps their variant.",
  security: bearerSecurity,
  middleware: admin,
  request: { params: ExperimentIdParam, body: jsonBody(UpdateExperimentRequest) },
  responses: { 200: jsonContent(Experiment, "Changed"), ...errorResponses(400, 401, 403, 404, 409, 415, 429) },
});
