import { createRoute } from "@hono/zod-openapi";
import { AssignRequest, Assignment, ExperimentIdParam } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

export const assign = createRoute({
  method: "post",
  path: "/experiments/{experiment_id}/assign",
  tags: ["Experiments"],
  summary: "A user's variant of a running experiment, recorded as an exposure",
  description:
    "Deterministic (a hash of the experiment's seed and the user id) and sticky: a user keeps the variant of their " +
    "first exposure across split changes. A user outside the experiment's share of its namespace gets control's " +
    "config with `in_experiment: false`, and nothing is recorded. A paused or completed experiment assigns nobody: " +
    "409 CONFLICT, and callers serve their default configuration.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { params: ExperimentIdParam, body: jsonBody(AssignRequest) },
  responses: { 200: jsonContent(Assignment, "The variant"), ...errorResponses(400, 401, 403, 404, 409, 415, 429) },
});
