import { createRoute, z } from "@hono/zod-openapi";
import { AbuseFlagList, paginationQuery } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

export const Pagination = paginationQuery(20);

export const listFlags = createRoute({
  method: "get",
  path: "/api/v1/abuse/flags",
  tags: ["Abuse detection"],
  summary: "Abuse detections for the caller's tenant (admin)",
  description:
    "Sequential product-id enumeration and repeated identical queries (more than 20 a minute from one client), newest first. One entry per detection; the client is throttled meanwhile.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: { query: Pagination },
  responses: { 200: jsonContent(AbuseFlagList, "Flags"), ...errorResponses(400, 401, 403) },
});
