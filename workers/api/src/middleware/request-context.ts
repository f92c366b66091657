import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { AppEnv } from "../env";
import { API_SERVICE, createLogger, logLevelOf } from "../lib/logger";

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * First middleware of every request: request and correlation ids, a trace id (from a
 * W3C `traceparent` when the caller sent one), a request-scoped logger, and one
 * structured log line when the response is ready. `X-Correlation-ID` and
 * `X-Request-ID` are echoed on every response, errors included.
 */
export function requestContext() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    const offered = c.req.header("x-correlation-id");
    const correlationId = offered && CORRELATION_ID.test(offered) ? offered : crypto.randomUUID();
    const traceId = TRACEPARENT.exec(c.req.header("traceparent") ?? "")?.[1] ?? crypto.randomUUID();
    const logger = createLogger(API_SERVICE, traceId, crypto.randomUUID(), logLevelOf(c.env.LOG_LEVEL));
    c.set("requestId", requestId);
    c.set("correlationId", correlationId);
    c.set("logger", logger);

    await next();

    c.res.headers.set("X-Correlation-ID", correlationId);
    c.res.headers.set("X-Request-ID", requestId);
    const principal = c.get("principal");
    const status = c.res.status;
    const context = {
      tenant_id: principal?.tenantId,
      principal: principal ? `${principal.kind}:${principal.subjectId}` : undefined,
      method: c.req.method,
      endpoint: endpointOf(c),
      status_code: status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      request_id: requestId,
      correlation_id: correlationId,
    };
    if (status >= 500) logger.error("Request failed", context);
    else logger.info("Request processed", context);
  });
}

/** The route template (`/api/v1/api-keys/:id`), so logs group by endpoint, not by id. */
function endpointOf(c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0]): string {
  try {
    const path = routePath(c, -1);
    return path === "*" || path === "/*" ? c.req.path : path;
  } catch {
    return c.req.path;
  }
}
