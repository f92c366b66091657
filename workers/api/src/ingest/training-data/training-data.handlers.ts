import type { RouteHandler } from "@hono/zod-openapi";
import { catalogKey, partKey } from "@edge-ml/core/ingest/catalog";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import type * as routes from "./training-data.routes";

/** Keys are built from the credential's tenant only: no path from the request reaches R2 unchecked. */
export const catalog: RouteHandler<typeof routes.catalog, AppEnv> = async (c) => {
  const obj = await c.env.DATA.get(catalogKey(c.get("principal").tenantId));
  if (!obj) throw errors.notFound("Training data catalogue (no data ingested yet)");
  return c.json((await obj.json()) as Record<string, unknown>, 200);
};

export const file: RouteHandler<typeof routes.file, AppEnv> = async (c) => {
  const { date, name } = c.req.valid("param");
  const obj = await c.env.DATA.get(partKey(c.get("principal").tenantId, date, name.replace(/\.parquet$/, "")));
  if (!obj) throw errors.notFound("Training data file");
  return new Response(obj.body, {
    headers: {
      "content-type": "application/vnd.apache.parquet",
      "content-length": String(obj.size),
      etag: obj.httpEtag,
    },
  }) as never;
};
