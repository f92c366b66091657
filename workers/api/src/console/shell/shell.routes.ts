import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../lib/openapi-helpers";

const tags = ["Console"];
const page = { 200: { description: "The console's HTML page", content: { "text/html": { schema: z.string() } } } };
const toApp = { 302: { description: "Redirect to /app" } };

export const root = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "Redirects to the console",
  responses: toApp,
});

export const dashboard = createRoute({
  method: "get",
  path: "/dashboard",
  tags,
  summary: "Redirects to the console",
  responses: toApp,
});

export const overview = createRoute({
  method: "get",
  path: "/app",
  tags,
  summary: "The tenant's console (log in with a dashboard user's email and password)",
  responses: page,
});

export const consolePage = createRoute({
  method: "get",
  path: "/app/{page}",
  tags,
  summary: "A page of the console (the same HTML; the page's script shows the page named)",
  request: { params: z.object({ page: z.string().max(64) }) },
  responses: { ...page, ...errorResponses(400) },
});

export const asset = createRoute({
  method: "get",
  path: "/app/assets/{file}",
  tags,
  summary: "The console's script and stylesheet, under content-hashed names (cached for a year, immutable)",
  request: { params: z.object({ file: z.string().max(64) }) },
  responses: {
    200: {
      description: "The file",
      content: { "text/javascript": { schema: z.string() }, "text/css": { schema: z.string() } },
    },
    ...errorResponses(400, 404),
  },
});
