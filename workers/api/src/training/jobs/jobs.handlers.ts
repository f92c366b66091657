import type { RouteHandler } from "@hono/zod-openapi";
import { ApiError } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { jobStatusBody } from "../services/job-status";
import { cancelJob, getJob, listJobs, triggerTraining } from "../services/training-jobs";
import type * as routes from "./jobs.routes";

export const trigger: RouteHandler<typeof routes.trigger, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const p = c.get("principal");
  if (body.tenant_id !== p.tenantId) {
    throw new ApiError("forbidden", "tenant_id does not match the credential's tenant", { field: "tenant_id" });
  }
  const result = await triggerTraining(
    c.env,
    p.tenantId,
    p.subjectId,
    body.training_config,
    c.get("correlationId"),
    c.get("logger"),
  );
  return c.json(result, 202);
};

export const status: RouteHandler<typeof routes.status, AppEnv> = async (c) => {
  const row = await getJob(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("param").job_id);
  return c.json(jobStatusBody(row, c.get("correlationId")), 200);
};

export const cancel: RouteHandler<typeof routes.cancel, AppEnv> = async (c) => {
  const row = await cancelJob(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("param").job_id);
  return c.json(jobStatusBody(row, c.get("correlationId")), 200);
};

export const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const { rows, total } = await listJobs(getDb(c.env.DB), c.get("principal").tenantId, q);
  const correlationId = c.get("correlationId");
  return c.json(
    { jobs: rows.map((r) => jobStatusBody(r, correlationId)), total, limit: q.limit, offset: q.offset },
    200,
  );
};
