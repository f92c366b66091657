import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { items } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import type * as routes from "./items.routes";

export const getItem: RouteHandler<typeof routes.getItem, AppEnv> = async (c) => {
  const { item_id: itemId } = c.req.valid("param");
  const item = await getDb(c.env.DB)
    .select({
      item_id: items.itemId,
      title: items.title,
      description: items.description,
      category: items.category,
      tags: items.tags,
      metadata: items.metadata,
      created_at: items.createdAt,
      updated_at: items.updatedAt,
    })
    .from(items)
    .where(and(eq(items.tenantId, c.get("principal").tenantId), eq(items.itemId, itemId)))
    .get();
  if (!item) throw errors.notFound("Item");
  return c.json(item, 200);
};
