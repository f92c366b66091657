import type { RouteHandler } from "@hono/zod-openapi";
import { keyringFrom } from "@edge-ml/core/auth";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks } from "../services/webhooks";
import type * as routes from "./webhooks.routes";

export const create: RouteHandler<typeof routes.create, AppEnv> = async (c) => {
  const keyring = await keyringFrom(c.env.SECRETS_KEY);
  const hook = await createWebhook(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("json"), keyring);
  return c.json(hook, 201);
};

export const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  return c.json({ webhooks: await listWebhooks(getDb(c.env.DB), c.get("principal").tenantId) }, 200);
};

export const remove: RouteHandler<typeof routes.remove, AppEnv> = async (c) => {
  await deleteWebhook(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("param").webhook_id);
  return c.body(null, 204);
};

export const deliveries: RouteHandler<typeof routes.deliveries, AppEnv> = async (c) => {
  const { limit, offset } = c.req.valid("query");
  const page = await listDeliveries(
    getDb(c.env.DB),
    c.get("principal").tenantId,
    c.req.valid("param").webhook_id,
    limit,
    offset,
  );
  return c.json(page, 200);
};
