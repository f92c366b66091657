import { createRoute } from "@hono/zod-openapi";
import { UsageQuery, UsageResponse } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

export const getUsage = createRoute({
  method: "get",
  path: "/api/v1/usage",
  tags: ["Usage"],
  summary: "Usage of the caller's tenant per period, with the plan's quota",
  description:
    "Counts are exact up to the last served request: metered in a Durable Object and flushed to D1 every 30 s, the unflushed part is added at read time. `daily` has one entry per day with traffic, for plotting.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { query: UsageQuery },
  responses: { 200: jsonContent(UsageResponse, "Usage"), ...errorResponses(400, 401, 403) },
});
