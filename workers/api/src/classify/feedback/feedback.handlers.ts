import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { feedbackStats, recordFeedback } from "../services/feedback";
import type * as routes from "./feedback.routes";

export const post: RouteHandler<typeof routes.post, AppEnv> = async (c) => {
  const row = await recordFeedback(c.env, getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("json"));
  return c.json(
    {
      feedback_id: row.id,
      prediction_id: row.predictionId,
      status: "recorded" as const,
      timestamp: row.createdAt,
      correlation_id: c.get("correlationId"),
    },
    201,
  );
};

export const stats: RouteHandler<typeof routes.stats, AppEnv> = async (c) => {
  const body = await feedbackStats(c.env, getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("query"));
  return c.json({ ...body, correlation_id: c.get("correlationId") }, 200);
};
