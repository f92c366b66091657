import { createRoute, z } from "@hono/zod-openapi";

const tags = ["Documentation"];

export const openapi = createRoute({
  method: "get",
  path: "/openapi.json",
  tags,
  summary: "This API's OpenAPI 3.1 document, generated from the zod route definitions",
  responses: {
    200: {
      description: "OpenAPI document",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

export const reference = createRoute({
  method: "get",
  path: "/docs",
  tags,
  summary: "Browsable API reference (renders /openapi.json; works offline)",
  responses: { 200: { description: "HTML page", content: { "text/html": { schema: z.string() } } } },
});
