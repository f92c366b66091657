import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { items } from "@edge-ml/core/db/schema";
import { ApiError, errors } from "@edge-ml/core/errors";
import { localEncoderVersion } from "@edge-ml/core/text/hashed-encoder";
import { TEXT_INDEX, vectorIdFor } from "@edge-ml/core/vector/indexes";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { LocalVectorIndex } from "../../lib/vector/local-index";
import { itemText } from "@edge-ml/core/text/item-text";
import type { TextEncoderObject } from "../../../../ingest/src/text-encoder";
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
  const [vector] = await new LocalVectorIndex(c.env.VECTOR_INDEX, tenantId, TEXT_INDEX).getByIds([
    await vectorIdFor(itemId),
  ]);
  if (!vector) throw errors.notFound("Embedding of this item (it is still being ingested)");
  return c.json(
    {
      item_id: itemId,
      embedding: Array.from(vector.values),
      dimension: TEXT_INDEX.dimensions,
      model_version: localEncoderVersion(TEXT_INDEX.dimensions),
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
  const version = localEncoderVersion(TEXT_INDEX.dimensions);
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
  // `wrangler types` cannot see a class of another script: the binding is typed here.
  const encoders = c.env.TEXT_ENCODER as unknown as DurableObjectNamespace<TextEncoderObject>;
  const { vectors } = await encoders.get(encoders.idFromName(tenantId)).encode(texts);
  return c.json(
    {
      embeddings: body.items.map((it, i) => ({
        item_id: it.item_id,
        embedding: vectors[i]!,
        dimension: TEXT_INDEX.dimensions,
      })),
      model_version: version,
    },
    200,
  );
};
