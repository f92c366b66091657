import { createRoute, z } from "@hono/zod-openapi";
import {
  BulkInteractions,
  BulkItems,
  BulkResult,
  InteractionAccepted,
  InteractionInput,
  ItemsUpload,
  MAX_BULK_BYTES,
  MAX_BULK_ROWS,
} from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Ingestion"];
const writer = () => [authenticate(), requirePermission("write")];
const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description: "Makes a retried request a no-op: the first response is replayed for 24 hours.",
    }),
});
const DryRun = z.object({
  dry_run: z
    .enum(["true", "false"], { error: "dry_run must be true or false" })
    .optional()
    .openapi({
      param: { name: "dry_run", in: "query" },
      description: "true: validate and count only; nothing is queued or stored.",
    }),
});
const bulkNote = `At most ${MAX_BULK_ROWS} rows and ${MAX_BULK_BYTES / 1024 / 1024} MiB per request (413 beyond). Each row is validated on its own: good rows are accepted, bad ones listed in validation_errors. Accepted rows are queued and stored exactly once.`;

export const postInteraction = createRoute({
  method: "post",
  path: "/api/v1/interactions",
  tags,
  summary: "Track one interaction event",
  description: "Validated against platform-api.md section 9, queued, and stored exactly once.",
  security: bearerSecurity,
  middleware: writer(),
  request: { headers: IdempotencyHeader, body: jsonBody(InteractionInput) },
  responses: {
    202: jsonContent(InteractionAccepted, "Accepted"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503),
  },
});

/** The three bulk routes differ only in path, body and wording. */
function bulkRoute<P extends string, B extends z.ZodType>(path: P, body: B, summary: string, note: string) {
  return createRoute({
    method: "post",
    path,
    tags,
    summary,
    description: `${bulkNote} ${note}`,
    security: bearerSecurity,
    middleware: writer(),
    request: { headers: IdempotencyHeader, query: DryRun, body: jsonBody(body) },
    responses: {
      202: jsonContent(BulkResult, "Accepted and rejected counts, with each rejected row's error"),
      ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503),
    },
  });
}

const tenantNote = "tenant_id must be the credential's tenant (403 otherwise).";

export const postItems = bulkRoute(
  "/api/v1/items",
  ItemsUpload,
  "Upload catalogue items",
  "A repeated item_id in one request: the last occurrence wins.",
);
export const bulkItems = bulkRoute(
  "/internal/data/items",
  BulkItems,
  "Bulk upload of catalogue items (data pipeline contract)",
  tenantNote,
);
export const bulkInteractions = bulkRoute(
  "/internal/data/interactions",
  BulkInteractions,
  "Bulk upload of interaction events (data pipeline contract)",
  tenantNote,
);
