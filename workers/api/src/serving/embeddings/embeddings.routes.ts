import { createRoute, z } from "@hono/zod-openapi";
import { EmbeddingsRequest, EmbeddingsResponse, ItemId } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

export const ItemEmbedding = z
  .object({
    item_id: z.string(),
    embedding: z.array(z.number()),
    dimension: z.number().int(),
    model_version: z.string().openapi({ example: "local-hashed-ngram-idf-v1-d128" }),
  })
  .openapi("ItemEmbedding");

export const itemEmbedding = createRoute({
  method: "get",
  path: "/api/v1/items/{item_id}/embedding",
  tags: ["Embeddings"],
  summary: "An item's vector",
  description:
    "The item's text vector (title, description, category, tags) from the text encoder, computed when the item was ingested; `model_version` names the encoder. Vectors from trained recommendation models replace it once training exists.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { params: z.object({ item_id: ItemId.openapi({ param: { name: "item_id", in: "path" } }) }) },
  responses: { 200: jsonContent(ItemEmbedding, "The vector"), ...errorResponses(400, 401, 403, 404, 429) },
});

export const embedItems = createRoute({
  method: "post",
  path: "/internal/ml/embeddings",
  tags: ["Embeddings"],
  summary: "Vectors for items described in the request (ML engine contract)",
  description:
    "Encodes each item's features with the tenant's text encoder (its IDF as learned from the catalogue) without storing anything. `tenant_id` must be the credential's tenant. A `model_version` other than the encoder's is refused: trained models do not embed free text.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { body: jsonBody(EmbeddingsRequest) },
  responses: {
    200: jsonContent(EmbeddingsResponse, "One vector per item"),
    ...errorResponses(400, 401, 403, 413, 415, 429),
  },
});
