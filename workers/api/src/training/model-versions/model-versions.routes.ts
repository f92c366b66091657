import { createRoute } from "@hono/zod-openapi";
import {
  DeployRequest,
  DeployResponse,
  ListVersionsQuery,
  ModelVersionList,
  RollbackRequest,
  VersionParam,
} from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Model registry"];
const optionalJson = <T extends typeof DeployRequest | typeof RollbackRequest>(schema: T) => ({
  content: { "application/json": { schema } },
  required: false,
});

export const list = createRoute({
  method: "get",
  path: "/api/v1/model/versions",
  tags,
  summary: "List model versions (classifier-api.md), newest first",
  description:
    "`status` filters by pending (trained, never deployed), active (in production) or archived; `kind` by " +
    "recommender or classifier (default: both).",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { query: ListVersionsQuery },
  responses: { 200: jsonContent(ModelVersionList, "One page"), ...errorResponses(400, 401, 403, 429) },
});

export const deploy = createRoute({
  method: "post",
  path: "/api/v1/model/deploy/{version}",
  tags,
  summary: "Deploy a model version to production (admin)",
  description:
    "Switches production in one transaction: the previous production version of the same kind becomes archived, " +
    "this one active. Done when this answers (`status: active`); `previous_version` is the version it replaced " +
    "(null if none). Deploying the current production version changes nothing and says so. The body is optional; " +
    "`kind` is needed only when the version name exists in both kinds. Emits `model.deployed`.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: { params: VersionParam, body: optionalJson(DeployRequest) },
  responses: {
    200: jsonContent(DeployResponse, "In production"),
    ...errorResponses(400, 401, 403, 404, 415, 429),
  },
});

export const rollback = createRoute({
  method: "post",
  path: "/api/v1/model/rollback",
  tags,
  summary: "Roll production back to the previously deployed version (admin)",
  description:
    "Re-deploys the archived version that was in production before the current one (kind default recommender). " +
    "409 when there is none. Rolling back twice returns to where it started. Emits `model.deployed`.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: { body: optionalJson(RollbackRequest) },
  responses: {
    200: jsonContent(DeployResponse, "In production"),
    ...errorResponses(400, 401, 403, 409, 415, 429),
  },
});
