import type { RouteHandler } from "@hono/zod-openapi";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { getTenant as loadTenant, tenantView } from "../../services/tenants";
import type * as routes from "./tenant.routes";

export const getTenant: RouteHandler<typeof routes.getTenant, AppEnv> = async (c) => {
  const row = await loadTenant(getDb(c.env.DB), c.get("principal").tenantId);
  if (!row) throw errors.notFound("Tenant");
  return c.json(tenantView(row), 200);
};
