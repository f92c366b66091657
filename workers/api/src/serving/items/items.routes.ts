import { createRoute, z } from "@hono/zod-openapi";
import { IsoDateTime, ItemId } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

/** An item as POST /api/v1/items ingested it, with the times the catalogue keeps. */
export const StoredItem = z
  .object({
    item_id: z.string().openapi({ example: "item_456" }),
    title: z.string().openapi({ example: "Product Name" }),
    description: z.string().openapi({ description: '"" when the upload had none' }),
    category: z.string().nullable().openapi({ example: "electronics" }),
    tags: z.array(z.string()).openapi({ example: ["smartphone", "5g"] }),
    metadata: z.record(z.string(), z.unknown()).openapi({ description: "{} when the upload had none" }),
    created_at: IsoDateTime.openapi({ description: "The upload's created_at, or when it was first ingested" }),
    updated_at: IsoDateTime.openapi({ description: "When the latest upload of this item was applied" }),
  })
  .openapi("StoredItem");

export const getItem = createRoute({
  method: "get",
  path: "/api/v1/items/{item_id}",
  tags: ["Items"],
  summary: "An item of the tenant's catalogue, as ingested",
  description:
    "The item's fields as the latest accepted upload set them. Uploads are applied asynchronously: an item is found here once the ingest worker has written it (usually within seconds). Another tenant's item is 404, like one that does not exist.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { params: z.object({ item_id: ItemId.openapi({ param: { name: "item_id", in: "path" } }) }) },
  responses: { 200: jsonContent(StoredItem, "The item"), ...errorResponses(400, 401, 403, 404, 429) },
});
