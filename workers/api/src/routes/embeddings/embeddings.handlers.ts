import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { items } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import { localEncoderVersion } from "@edge-ml/core/text/hashed-encoder";
import { TEXT_INDEX, vectorIdFor } from "@edge-ml/core/vector/indexes";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { LocalVectorIndex } from "../../lib/vector/local-index";
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
