import type { RouteHandler } from "@hono/zod-openapi";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { classifierVersion, evaluate, evaluationBody, evaluationOf, listEvaluations } from "../services/evaluations";
import { emitSafely } from "../services/emit";
import type * as routes from "./evaluations.routes";

export const start: RouteHandler<typeof routes.start, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const tenantId = c.get("principal").tenantId;
  const db = getDb(c.env.DB);
  const target = await classifierVersion(db, tenantId, body.version);
  const source = body.test_data_source === "holdout" && body.include_feedback_data ? "both" : body.test_data_source;
  const row = await evaluate(c.env, db, tenantId, target, source);
  const correlationId = c.get("correlationId");
  if (row.status === "completed") {
    await emitSafely(
      c.env,
      tenantId,
      "evaluation.completed",
      evaluationBody(row, correlationId),
      correlationId,
      c.get("logger"),
    );
  }
  return c.json(
    {
      evaluation_id: row.id,
      version: row.version,
      status: row.status,
      message: row.status === "completed" ? "Evaluation completed" : `Evaluation failed: ${row.error}`,
      correlation_id: correlationId,
    },
    202,
  );
};

export const get: RouteHandler<typeof routes.get, AppEnv> = async (c) => {
  const row = await evaluationOf(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("param").evaluation_id);
  return c.json(evaluationBody(row, c.get("correlationId")), 200);
};

export const confusion: RouteHandler<typeof routes.confusion, AppEnv> = async (c) => {
  const tenantId = c.get("principal").tenantId;
  const row = await evaluationOf(getDb(c.env.DB), tenantId, c.req.valid("param").evaluation_id);
  const obj = row.confusionKey ? await c.env.DATA.get(row.confusionKey) : null;
  if (!obj) throw errors.notFound(`The confusion matrix of evaluation ${row.id}`);
  return c.json((await obj.json()) as { labels: string[]; matrix: number[][] }, 200);
};

export const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const page = c.req.valid("query");
  const { rows, total } = await listEvaluations(getDb(c.env.DB), c.get("principal").tenantId, page);
  const correlationId = c.get("correlationId");
  return c.json(
    { evaluations: rows.map((r) => evaluationBody(r, correlationId)), total, ...page, correlation_id: correlationId },
    200,
  );
};
