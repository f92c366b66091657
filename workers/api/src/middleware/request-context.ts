import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { Context } from "hono";
import { codeFor, contractOf, kindForStatus } from "@edge-ml/core/errors";
import type { AppEnv } from "../env";
import { timedD1 } from "../lib/db";
import { API_SERVICE, createLogger, logLevelOf } from "../lib/logger";
import {
  recordRecommendations,
  requestFinished,
  requestStarted,
  scheduleMetricsFlush,
} from "../platform/metrics/recorder";

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The env with its D1 binding timed for /metrics (lib/db.ts), one per env object. A proxy, not
 * a copy: a spread would read every binding on each new env object.
 */
const instrumented = new WeakMap<ApiEnv, ApiEnv>();
function instrument(env: ApiEnv): ApiEnv {
  let out = instrumented.get(env);
  if (!out) {
    let db: D1Database | undefined;
    out = new Proxy(env, {
      get: (target, key) => (key === "DB" ? (db ??= timedD1(target.DB)) : Reflect.get(target, key)),
    });
    instrumented.set(env, out);
  }
  return out;
}

/**
 * First middleware of every request: request and correlation ids, a trace id (from a
 * W3C `traceparent` when the caller sent one), a request-scoped logger, and, when the
 * response is ready, one structured log line (platform-api.md section 7) and the request's
 * metrics (platform/metrics: counted in memory, sent in the background). `X-Correlation-ID`
 * and `X-Request-ID` are echoed on every response, errors included.
 */
export function requestContext() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    const offered = c.req.header("x-correlation-id");
    const correlationId = offered && CORRELATION_ID.test(offered) ? offered : crypto.randomUUID();
    const traceId = TRACEPARENT.exec(c.req.header("traceparent") ?? "")?.[1] ?? crypto.randomUUID();
    const logger = createLogger(API_SERVICE, traceId, crypto.randomUUID(), logLevelOf(c.env.LOG_LEVEL));
    c.env = instrument(c.env);
    c.set("requestId", requestId);
    c.set("correlationId", correlationId);
    c.set("logger", logger);
    requestStarted();

    // Hono's compose turns a handler's throw into onError's response: next() does not throw.
    await next();
    const status = c.res.status;
    const where = endpointOf(c);
    const principal = c.get("principal");
    requestFinished({
      endpoint: where.template ?? "unmatched",
      method: c.req.method,
      status,
      seconds: (performance.now() - started) / 1000,
      ...(status >= 400 ? { errorType: codeFor(kindForStatus(status), contractOf(c.req.path)).code } : {}),
    });
    const served = c.get("usage")?.recommendationsServed;
    if (principal && served !== undefined) recordRecommendations(principal.tenantId, served);
    if (c.env.METRICS) {
      scheduleMetricsFlush(
        c.env,
        (p) => c.executionCtx.waitUntil(p),
        (e) => logger.warn("Metrics batch failed", { error: String(e) }),
      );
    }

    c.res.headers.set("X-Correlation-ID", correlationId);
    c.res.headers.set("X-Request-ID", requestId);
    const context = {
      tenant_id: principal?.tenantId,
      user_id: userOf(c) ?? undefined,
      endpoint: where.path,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      status_code: status,
      method: c.req.method,
      principal: principal ? `${principal.kind}:${principal.subjectId}` : undefined,
      request_id: requestId,
      correlation_id: correlationId,
    };
    if (status >= 500) logger.error("Request failed", context);
    else logger.info("Request processed", context);
  });
}

type Ctx = Context<AppEnv>;

/**
 * The route template (`/api/v1/api-keys/:id`), so logs and metrics group by endpoint, not by
 * id; undefined when no route matched (a 404), where the log keeps the path and the metrics
 * say "unmatched" (a scanner's random paths must not become series).
 */
function endpointOf(c: Ctx): { template?: string; path: string } {
  try {
    const path = routePath(c, -1);
    return path === "*" || path === "/*" ? { path: c.req.path } : { template: path, path };
  } catch {
    return { path: c.req.path };
  }
}

/**
 * The user a request is about: a logged-in user's own id for a JWT; else the `user_id` the
 * route names (path or query, e.g. /recommend/{user_id}); null when neither (API-key calls
 * that name no user, public routes). A body's user_id is not read: the log must not parse bodies.
 */
function userOf(c: Ctx): string | null {
  const p = c.get("principal");
  if (p?.kind === "user") return p.subjectId;
  try {
    const named = c.req.param("user_id") ?? c.req.query("user_id");
    return named && named.length <= 256 ? named : null;
  } catch {
    return null;
  }
}
