import { createRoute } from "@hono/zod-openapi";
import { TenantView } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

export const getTenant = createRoute({
  method: "get",
  path: "/api/v1/tenant",
  tags: ["Tenant"],
  summary: "The caller's tenant",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  responses: { 200: jsonContent(TenantView, "The tenant"), ...errorResponses(401, 403) },
});
