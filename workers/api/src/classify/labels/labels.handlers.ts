import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { labelSetOf, putLabelSet, type LabelSet } from "../services/labels";
import type * as routes from "./labels.routes";

const body = (s: LabelSet, correlationId: string) => ({
  labels: s.labels,
  is_default: s.isDefault,
  updated_at: s.updatedAt,
  correlation_id: correlationId,
});

export const get: RouteHandler<typeof routes.get, AppEnv> = async (c) =>
  c.json(body(await labelSetOf(getDb(c.env.DB), c.get("principal").tenantId), c.get("correlationId")), 200);

export const put: RouteHandler<typeof routes.put, AppEnv> = async (c) => {
  const set = await putLabelSet(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("json").labels);
  return c.json(body(set, c.get("correlationId")), 200);
};
