import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/**
 * Counts every authenticated call that was served (not refused by a limit, not a server
 * error) into the tenant's UsageMeter, after the response and without a D1 write; what a
 * handler served (`c.set("usage", ...)`) is added to the same record.
 */
export function meterUsage() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    await next();
    const principal = c.get("principal");
    const status = c.res.status;
    if (!principal || status === 429 || status >= 500) return;
    const stub = c.env.USAGE_METER.get(c.env.USAGE_METER.idFromName(principal.tenantId));
    const record = stub.record(principal.tenantId, {
      day: new Date().toISOString().slice(0, 10),
      apiCalls: 1,
      latencyMs: performance.now() - started,
      ...c.get("usage"),
    });
    c.executionCtx.waitUntil(
      record.catch((e: unknown) => c.get("logger").warn("Usage metering failed", { error: String(e) })),
    );
  });
}
