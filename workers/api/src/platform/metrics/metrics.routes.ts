import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../lib/openapi-helpers";

export const metrics = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["Health"],
  summary: "Prometheus metrics of the platform (operator token)",
  description:
    "Prometheus text exposition (version 0.0.4) with the names and labels of platform-api.md sections 4 and 7, " +
    "summed over every isolate of the api worker by one Durable Object. Counts arrive in batches, within about a " +
    "second of a request. Needs the operator's METRICS_TOKEN as a bearer token (not an API key or JWT). " +
    "`tenant_id` labels appear only on ml_* series, for at most 200 tenants (later ones as `_other`).",
  security: [{ metricsToken: [] }],
  responses: {
    200: {
      description: "The metrics, in Prometheus text format",
      content: { "text/plain": { schema: z.string() } },
    },
    ...errorResponses(401, 503),
  },
});
