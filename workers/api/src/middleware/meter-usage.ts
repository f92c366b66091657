import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { addUsage, scheduleUsageFlush } from "../metering/services/usage-batch";

/**
 * Counts every authenticated call that was served (not refused by a limit, not a server
 * error), after the response and without a D1 write; what a handler served
 * (`c.set("usage", ...)`) is added to the same record. Counts go to the tenant's
 * UsageMeter in batches (services/usage-batch.ts).
 */
export function meterUsage() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    await next();
    const principal = c.get("principal");
    const status = c.res.status;
    if (!principal || status === 429 || status >= 500) return;
    addUsage(principal.tenantId, {
      day: new Date().toISOString().slice(0, 10),
      apiCalls: 1,
      latencyMs: performance.now() - started,
      ...c.get("usage"),
    });
    scheduleUsageFlush(
      c.env,
      (p) => c.executionCtx.waitUntil(p),
      (e) => c.get("logger").warn("Usage metering failed", { error: String(e) }),
    );
  });
}
