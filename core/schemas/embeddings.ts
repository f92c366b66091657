import { z } from "@hono/zod-openapi";
import { Category, ItemId, Tags, Uuid } from "./common";

/** At most this many items per embeddings request. */
export const MAX_EMBED_ITEMS = 100;

export const EmbeddingsRequest = z
  .object({
    tenant_id: Uuid,
    items: z
      .array(
        z.object({
          item_id: ItemId,
          features: z.object({
            title: z.string({ error: "features.title is required" }).min(1).max(500),
            description: z.string().max(10_000).optional(),
            category: Category.optional(),
            tags: Tags.optional(),
            image_url: z.url({ error: "image_url must be a URL" }).max(2048).optional(),
          }),
        }),
      )
      .min(1, "items must not be empty")
      .max(MAX_EMBED_ITEMS, `at most ${MAX_EMBED_ITEMS} items per request`),
    model_version: z.string().max(128).optional(),
  })
  .openapi("EmbeddingsRequest");

export const EmbeddingsResponse = z
  .object({
    embeddings: z.array(z.object({ item_id: z.string(), embedding: z.array(z.number()), dimension: z.number().int() })),
    model_version: z.string(),
  })
  .openapi("EmbeddingsResponse");
