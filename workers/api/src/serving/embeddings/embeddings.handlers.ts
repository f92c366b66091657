import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { items } from "@edge-ml/core/db/schema";
import { ApiError, errors } from "@edge-ml/core/errors";
import { itemText } from "@edge-ml/core/text/item-text";
import { vectorIdFor } from "@edge-ml/core/vector/indexes";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { servingContext } from "../services/context";
import type * as routes from "./embeddings.routes";

export const itemEmbedding: RouteHandler<typeof routes.itemEmbedding, AppEnv> = async (c) => {
  const { item_id: itemId } = c.req.valid("param");
  const tenantId = c.get("principal").tenantId;
  const item = await getDb(c.env.DB)
    .select({ id: items.itemId })
    .from(items)
    .where(and(eq(items.tenantId, tenantId), eq(items.itemId, itemId)))
    .get();
  if (!item) throw errors.notFound("Item");
  const { textIndex, encoder } = servingContext(c.env, tenantId);
  const [vector] = await textIndex.getByIds([await vectorIdFor(itemId)]);
  if (!vector) throw errors.notFound("Embedding of this item (it is still being ingested)");
  return c.json(
    {
      item_id: itemId,
      embedding: Array.from(vector.values),
      dimension: encoder.dimensions,
      model_version: encoder.version,
    },
    200,
  );
};

export const embedItems: RouteHandler<typeof routes.embedItems, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const tenantId = c.get("principal").tenantId;
  if (body.tenant_id !== tenantId) {
    throw new ApiError("forbidden", "tenant_id does not match the credential's tenant", { field: "tenant_id" });
  }
  const { encoder } = servingContext(c.env, tenantId);
  const version = encoder.version;
  if (body.model_version !== undefined && body.model_version !== version) {
    throw errors.validation(`model_version must be ${version} (the only text encoder)`, "model_version");
  }
  const texts = body.items.map((it) =>
    itemText({
      title: it.features.title,
      description: it.features.description ?? "",
      category: it.features.category ?? null,
      tags: it.features.tags ?? [],
    }),
  );
  const vectors = await encoder.encode(texts);
  return c.json(
    {
      embeddings: body.items.map((it, i) => ({
        item_id: it.item_id,
        embedding: vectors[i]!,
        dimension: encoder.dimensions,
      })),
      model_version: version,
    },
    200,
  );
};
