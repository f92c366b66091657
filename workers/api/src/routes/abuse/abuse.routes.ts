import { createRoute, z } from "@hono/zod-openapi";
import { AbuseFlagList } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

export const Pagination = z.object({
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be an integer")
    .min(1, "limit must be at least 1")
    .max(100, "limit must be at most 100")
    .default(20)
    .openapi({ param: { name: "limit", in: "query" } }),
  offset: z.coerce
    .number({ error: "offset must be a number" })
    .int("offset must be an integer")
    .min(0, "offset must not be negative")
    .default(0)
    .openapi({ param: { name: "offset", in: "query" } }),
});

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
