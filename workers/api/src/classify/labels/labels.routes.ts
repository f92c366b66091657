import { createRoute } from "@hono/zod-openapi";
import { LabelSet, PutLabelsRequest } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Classification"];

export const get = createRoute({
  method: "get",
  path: "/api/v1/model/labels",
  tags,
  summary: "The tenant's classifier label set (beyond the contract)",
  description: "The contract's 41 news categories until the tenant sets its own (`is_default`).",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  responses: { 200: jsonContent(LabelSet, "The label set"), ...errorResponses(401, 403, 429) },
});

export const put = createRoute({
  method: "put",
  path: "/api/v1/model/labels",
  tags,
  summary: "Set the tenant's own label set (beyond the contract; admin)",
  description:
    "2 to 200 distinct categories of at most 100 characters. Uploads, feedback corrections and the next training " +
    "use it; versions already trained keep the labels they were trained with.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: { body: jsonBody(PutLabelsRequest) },
  responses: { 200: jsonContent(LabelSet, "The label set"), ...errorResponses(400, 401, 403, 413, 415, 429) },
});
