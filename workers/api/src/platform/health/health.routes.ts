import { createRoute, z } from "@hono/zod-openapi";
import { HealthResponse, ReadyResponse } from "@edge-ml/core/schemas";
import { jsonContent } from "../../lib/openapi-helpers";

const tags = ["Health"];

export const health = createRoute({
  method: "get",
  path: "/health",
  tags,
  summary: "Liveness and dependency health",
  description:
    "Checks D1 and R2 for real. `unhealthy` (503) when the database fails, `degraded` (200) when storage does.",
  responses: {
    200: jsonContent(HealthResponse, "Healthy or degraded"),
    503: jsonContent(HealthResponse, "Unhealthy"),
  },
});

export const ready = createRoute({
  method: "get",
  path: "/ready",
  tags,
  summary: "Readiness: the database answers and its migrations are applied",
  responses: {
    200: jsonContent(ReadyResponse, "Ready"),
    503: jsonContent(ReadyResponse, "Not ready"),
  },
});

export const live = createRoute({
  method: "get",
  path: "/health/live",
  tags,
  summary: "Liveness only: the worker answers (no dependency is called)",
  description:
    "For load balancers and probes that must not touch the database, and the baseline of the serving benchmark (the cheapest route through the same middleware).",
  responses: { 200: jsonContent(z.object({ status: z.literal("ok") }).openapi("Live"), "Alive") },
});
