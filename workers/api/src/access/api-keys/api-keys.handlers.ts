import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { createApiKey, listApiKeys, revokeApiKey, type KeyRecord } from "../services/api-keys";
import { forgetKey } from "../services/credentials";
import type * as routes from "./api-keys.routes";

/** search-recommend-api.md calls the id `key_id` and the secret `api_key`. */
const authShape = ({ id, ...rest }: KeyRecord) => ({ key_id: id, ...rest });

export const v1List: RouteHandler<typeof routes.v1List, AppEnv> = async (c) => {
  const keys = await listApiKeys(getDb(c.env.DB), c.get("principal").tenantId);
  return c.json({ keys }, 200);
};

export const v1Create: RouteHandler<typeof routes.v1Create, AppEnv> = async (c) => {
  const p = c.get("principal");
  const { secret, ...key } = await createApiKey(getDb(c.env.DB), p.tenantId, c.req.valid("json"), p.subjectId);
  return c.json({ ...key, key: secret }, 201);
};

export const v1Revoke: RouteHandler<typeof routes.v1Revoke, AppEnv> = async (c) => {
  const key = await revokeApiKey(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("param").id);
  forgetKey(key.id);
  return c.json(key, 200);
};

export const authList: RouteHandler<typeof routes.authList, AppEnv> = async (c) => {
  const keys = await listApiKeys(getDb(c.env.DB), c.get("principal").tenantId);
  return c.json(keys.map(authShape), 200);
};

export const authCreate: RouteHandler<typeof routes.authCreate, AppEnv> = async (c) => {
  const p = c.get("principal");
  const { secret, ...key } = await createApiKey(getDb(c.env.DB), p.tenantId, c.req.valid("json"), p.subjectId);
  return c.json({ ...authShape(key), api_key: secret }, 201);
};

export const authRevoke: RouteHandler<typeof routes.authRevoke, AppEnv> = async (c) => {
  const key = await revokeApiKey(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("param").key_id);
  forgetKey(key.id);
  return c.body(null, 204);
};
