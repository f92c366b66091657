import { createRoute, z } from "@hono/zod-openapi";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses } from "../../lib/openapi-helpers";

const tags = ["Training data"];
const reader = () => [authenticate(), requirePermission("admin")];

export const catalog = createRoute({
  method: "get",
  path: "/api/v1/training-data/catalog",
  tags,
  summary: "The tenant's catalog.json (platform-api.md section 3)",
  security: bearerSecurity,
  middleware: reader(),
  responses: {
    200: {
      description: "Partitions with row counts, sizes and their Parquet files",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
    ...errorResponses(401, 403, 404),
  },
});

export const file = createRoute({
  method: "get",
  path: "/api/v1/training-data/files/{date}/{name}",
  tags,
  summary: "Download one Parquet part of the tenant's training data (admin; the trainer reads through this)",
  security: bearerSecurity,
  middleware: reader(),
  request: {
    params: z.object({
      date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, "date must be YYYY-MM-DD")
        .openapi({ param: { name: "date", in: "path" } }),
      name: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,128}\.parquet$/, "name must be a part file name ending in .parquet")
        .openapi({ param: { name: "name", in: "path" } }),
    }),
  },
  responses: {
    200: {
      description: "Parquet file",
      content: { "application/vnd.apache.parquet": { schema: z.string().openapi({ format: "binary" }) } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});
