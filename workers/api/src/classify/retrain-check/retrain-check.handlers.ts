import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { retrainCheck } from "../services/retrain-check";
import { listRuns, runBody } from "../services/retrain-loop";
import type * as routes from "./retrain-check.routes";

export const check: RouteHandler<typeof routes.check, AppEnv> = async (c) => {
  const p = c.get("principal");
  const body = await retrainCheck(c.env, p.tenantId, p.subjectId, c.get("correlationId"), c.get("logger"));
  return c.json({ ...body, correlation_id: c.get("correlationId") }, 200);
};

export const runs: RouteHandler<typeof routes.runs, AppEnv> = async (c) => {
  const rows = await listRuns(getDb(c.env.DB), c.get("principal").tenantId);
  return c.json({ runs: rows.map(runBody), correlation_id: c.get("correlationId") }, 200);
};
