import { createRoute, z } from "@hono/zod-openapi";
import { DeadLetterList } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";
import { Pagination } from "../../metering/abuse/abuse.routes";

const tags = ["Ingestion"];
const adminOnly = () => [authenticate(), requirePermission("admin")];

export const list = createRoute({
  method: "get",
  path: "/api/v1/admin/dead-letters",
  tags,
  summary: "Ingest messages that exhausted their retries (admin)",
  description: "Each holds the queued rows it carried; replay sends them through the pipeline again.",
  security: bearerSecurity,
  middleware: adminOnly(),
  request: { query: Pagination },
  responses: { 200: jsonContent(DeadLetterList, "Dead letters, newest first"), ...errorResponses(400, 401, 403) },
});

export const replay = createRoute({
  method: "post",
  path: "/api/v1/admin/dead-letters/{id}/replay",
  tags,
  summary: "Send a dead letter through the ingest queue again (admin)",
  description: "Safe to repeat: the consumer applies each batch once.",
  security: bearerSecurity,
  middleware: adminOnly(),
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(128)
        .openapi({ param: { name: "id", in: "path" } }),
    }),
  },
  responses: {
    202: jsonContent(
      z.object({ id: z.string(), status: z.literal("replayed"), replayed_at: z.string() }),
      "Queued again",
    ),
    ...errorResponses(401, 403, 404, 503),
  },
});
