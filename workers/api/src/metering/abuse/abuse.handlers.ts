import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { listAbuseFlags } from "../services/abuse-flags";
import type * as routes from "./abuse.routes";

export const listFlags: RouteHandler<typeof routes.listFlags, AppEnv> = async (c) => {
  const { limit, offset } = c.req.valid("query");
  const { rows, total } = await listAbuseFlags(c.env, c.get("principal").tenantId, limit, offset);
  return c.json(
    {
      flags: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        client: r.client,
        endpoint: r.endpoint,
        detail: r.detail,
        created_at: r.createdAt,
      })),
      total,
      limit,
      offset,
    },
    200,
  );
};
