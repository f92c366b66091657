import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { experimentOf } from "../services/experiment-store";
import { experimentResults } from "../services/results";
import type * as routes from "./results.routes";

export const results: RouteHandler<typeof routes.results, AppEnv> = async (c) => {
  const row = await experimentOf(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("param").experiment_id);
  return c.json((await experimentResults(c.env, row)) as never, 200);
};
