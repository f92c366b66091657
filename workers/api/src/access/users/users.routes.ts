import { createRoute } from "@hono/zod-openapi";
import { CreateUserRequest, UserList, UserRecord } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Users"];
const adminOnly = [authenticate(), requirePermission("admin")];

export const list = createRoute({
  method: "get",
  path: "/api/v1/users",
  tags,
  summary: "List the tenant's dashboard users",
  security: bearerSecurity,
  middleware: adminOnly,
  responses: { 200: jsonContent(UserList, "Users"), ...errorResponses(401, 403) },
});

export const create = createRoute({
  method: "post",
  path: "/api/v1/users",
  tags,
  summary: "Create a dashboard user in the caller's tenant (tenant admin)",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { body: jsonBody(CreateUserRequest) },
  responses: {
    201: jsonContent(UserRecord, "Created"),
    ...errorResponses(400, 401, 403, 409, 413, 415),
  },
});
