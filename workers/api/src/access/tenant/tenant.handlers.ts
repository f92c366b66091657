import type { RouteHandler } from "@hono/zod-openapi";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { forgetCorsOrigins } from "../../lib/cors-origins";
import { getDb } from "../../lib/db";
import { getTenant as loadTenant, tenantView, updateTenantSettings } from "../services/tenants";
import { forgetConsumedPolicy } from "../../serving/services/user-pairs";
import type * as routes from "./tenant.routes";

export const getTenant: RouteHandler<typeof routes.getTenant, AppEnv> = async (c) => {
  const row = await loadTenant(getDb(c.env.DB), c.get("principal").tenantId);
  if (!row) throw errors.notFound("Tenant");
  return c.json(tenantView(row), 200);
};

export const updateSettings: RouteHandler<typeof routes.updateSettings, AppEnv> = async (c) => {
  const tenantId = c.get("principal").tenantId;
  const row = await updateTenantSettings(getDb(c.env.DB), tenantId, c.req.valid("json"));
  forgetConsumedPolicy(tenantId);
  forgetCorsOrigins(tenantId);
  return c.json(tenantView(row), 200);
};
