import { and, asc, eq, gte, lte } from "drizzle-orm";
import { usageDaily } from "@edge-ml/core/db/schema";
import type { UsageCounters } from "../objects/usage-meter";
import { getDb } from "../../lib/db";
import { flushUsage } from "./usage-batch";

/** Flushed rows from D1 plus the meter's unflushed counts, per day in [start, end]. */
export async function readUsage(env: ApiEnv, tenantId: string, start: string, end: string): Promise<UsageCounters[]> {
  // This isolate's unsent counts first, so a report includes the calls it just served.
  await flushUsage(env, tenantId);
  const meter = env.USAGE_METER.get(env.USAGE_METER.idFromName(tenantId));
  const [flushed, pending] = await Promise.all([
    getDb(env.DB)
      .select()
      .from(usageDaily)
      .where(and(eq(usageDaily.tenantId, tenantId), gte(usageDaily.day, start), lte(usageDaily.day, end)))
      .orderBy(asc(usageDaily.day))
      .all(),
    meter.pending(),
  ]);
  const byDay = new Map<string, UsageCounters>();
  const add = (r: UsageCounters) => {
    if (r.day < start || r.day > end) return;
    const d = byDay.get(r.day) ?? {
      day: r.day,
      api_calls: 0,
      recommendations_served: 0,
      items_indexed: 0,
      predictions: 0,
      latency_ms_sum: 0,
      latency_count: 0,
    };
    d.api_calls += r.api_calls;
    d.recommendations_served += r.recommendations_served;
    d.items_indexed += r.items_indexed;
    d.predictions += r.predictions;
    d.latency_ms_sum += r.latency_ms_sum;
    d.latency_count += r.latency_count;
    byDay.set(r.day, d);
  };
  for (const r of flushed) {
    add({
      day: r.day,
      api_calls: r.apiCalls,
      recommendations_served: r.recommendationsServed,
      items_indexed: r.itemsIndexed,
      predictions: r.predictions,
      latency_ms_sum: r.latencyMsSum,
      latency_count: r.latencyCount,
    });
  }
  for (const r of pending) add(r);
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}
