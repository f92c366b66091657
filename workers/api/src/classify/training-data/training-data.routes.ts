import { createRoute, z } from "@hono/zod-openapi";
import { LabelledUploadResult } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Classification"];

export const upload = createRoute({
  method: "post",
  path: "/api/v1/model/training-data",
  tags,
  summary: "Upload labelled examples for the classifier (beyond the contract)",
  description:
    "A JSON array of `{ headline, short_description?, category }` (or `{ rows: [...] }`), or JSON lines " +
    "(`application/x-ndjson`, one object a line; other fields are ignored). Each row is validated on its own, " +
    "like event ingestion: headline non-blank and at most 500 characters, description at most 2,000, category " +
    "one of the tenant's labels (GET /api/v1/model/labels); bad rows are listed in `validation_errors` by index. " +
    "The accepted rows are stored once as one Parquet file under the tenant's prefix: the same rows sent again " +
    "(a retry) store nothing (`stored: false`, same `upload_id`). At most 10,000 rows and 10 MiB per request.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("write")],
  request: {
    body: {
      required: true,
      content: {
        // Rows are validated one by one in the handler (a bad row must not refuse the upload).
        "application/json": {
          // z.unknown: the validator also runs (on {}) for a JSON-lines body; the handler parses either.
          schema: z.unknown().openapi({
            type: "array",
            description: "LabelledRow objects: `{ headline, short_description?, category }` (or `{ rows: [...] }`)",
            example: [
              { headline: "Stocks rally as inflation cools", short_description: "Markets rose.", category: "BUSINESS" },
            ],
          }),
        },
        "application/x-ndjson": { schema: z.string().openapi({ description: "One labelled row as JSON per line" }) },
      },
    },
  },
  responses: {
    201: jsonContent(LabelledUploadResult, "Stored (or already stored: `stored: false`)"),
    ...errorResponses(400, 401, 403, 413, 415, 429),
  },
});
