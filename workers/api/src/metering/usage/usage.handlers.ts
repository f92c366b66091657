import type { RouteHandler } from "@hono/zod-openapi";
import { MONTHLY_API_CALL_QUOTA } from "@edge-ml/core/limits/policy";
import type { AppEnv } from "../../env";
import { readUsage } from "../services/usage";
import type * as routes from "./usage.routes";

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export const getUsage: RouteHandler<typeof routes.getUsage, AppEnv> = async (c) => {
  const p = c.get("principal");
  const today = new Date().toISOString().slice(0, 10);
  const query = c.req.valid("query");
  const end = query.end_date ?? today;
  const start = query.start_date ?? `${end.slice(0, 7)}-01`;
  const days = await readUsage(c.env, p.tenantId, start, end);

  const sum = (f: (d: (typeof days)[number]) => number) => days.reduce((n, d) => n + f(d), 0);
  const latencySum = sum((d) => d.latency_ms_sum);
  const latencyCount = sum((d) => d.latency_count);
  const apiCalls = sum((d) => d.api_calls);
  const limit = MONTHLY_API_CALL_QUOTA[p.plan];
  return c.json(
    {
      period: { start, end },
      metrics: {
        api_calls: apiCalls,
        recommendations_served: sum((d) => d.recommendations_served),
        items_indexed: sum((d) => d.items_indexed),
        predictions: sum((d) => d.predictions),
        average_latency_ms: latencyCount ? round(latencySum / latencyCount, 2) : 0,
      },
      quota: {
        plan: p.plan,
        api_calls_limit: limit,
        api_calls_used: apiCalls,
        percentage_used: round((apiCalls / limit) * 100, 2),
      },
      daily: days.map((d) => ({
        date: d.day,
        api_calls: d.api_calls,
        recommendations_served: d.recommendations_served,
        items_indexed: d.items_indexed,
        predictions: d.predictions,
        average_latency_ms: d.latency_count ? round(d.latency_ms_sum / d.latency_count, 2) : 0,
      })),
    },
    200,
  );
};
