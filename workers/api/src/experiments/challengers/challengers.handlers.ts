import type { RouteHandler } from "@hono/zod-openapi";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { listChallengers, removeChallenger, setChallenger } from "../services/challengers";
import { checkCandidate } from "../services/shadow-run";
import type * as routes from "./challengers.routes";

export const list: RouteHandler<typeof routes.list, AppEnv> = async (c) =>
  c.json({ challengers: await listChallengers(getDb(c.env.DB), c.get("principal").tenantId) }, 200);

export const put: RouteHandler<typeof routes.put, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const tenantId = c.get("principal").tenantId;
  await checkCandidate(c.env.DB, tenantId, body.model_version);
  await setChallenger(getDb(c.env.DB), tenantId, body);
  return c.json(body, 200);
};

export const remove: RouteHandler<typeof routes.remove, AppEnv> = async (c) => {
  const { surface } = c.req.valid("param");
  if (!(await removeChallenger(getDb(c.env.DB), c.get("principal").tenantId, surface))) {
    throw errors.notFound(`A challenger on ${surface}`);
  }
  return c.body(null, 204);
};
