import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { triggerClassifierTraining } from "../services/classifier-jobs";
import type * as routes from "./model-train.routes";

export const train: RouteHandler<typeof routes.train, AppEnv> = async (c) => {
  const p = c.get("principal");
  const correlationId = c.get("correlationId");
  const r = await triggerClassifierTraining(
    c.env,
    p.tenantId,
    p.subjectId,
    c.req.valid("json"),
    correlationId,
    c.get("logger"),
  );
  return c.json(
    {
      training_job_id: r.job_id,
      status: r.status,
      estimated_duration_minutes: r.estimated_duration_minutes,
      message: r.status === "queued" ? "Training job queued successfully" : `Training job failed: ${r.error}`,
      error: r.error,
      correlation_id: correlationId,
    },
    202,
  );
};
