import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import {
  checkCache,
  checkDatabase,
  checkMigrated,
  checkStorage,
  overallStatus,
} from "@edge-ml/core/runtime/health-checks";
import type * as routes from "./health.routes";

/**
 * When this isolate served its first request: Workers have no process uptime, and
 * Date.now() is frozen at 0 in global scope, so the clock starts on first use.
 */
let startedAt: number | undefined;

export const health: RouteHandler<typeof routes.health, AppEnv> = async (c) => {
  const [database, storage, cache] = await Promise.all([
    checkDatabase(c.env.DB),
    checkStorage(c.env.DATA),
    checkCache(caches.default),
  ]);
  const dependencies = { database, storage, cache };
  const status = overallStatus(dependencies);
  const body = {
    status,
    service: "edge-ml-api",
    version: c.env.SERVICE_VERSION,
    uptime_seconds: Math.floor((Date.now() - (startedAt ??= Date.now())) / 1000),
    timestamp: new Date().toISOString(),
    checks: { ...dependencies, dependencies: status },
    dependencies,
  };
  c.header("Cache-Control", "no-store");
  return status === "unhealthy" ? c.json(body, 503) : c.json(body, 200);
};

export const ready: RouteHandler<typeof routes.ready, AppEnv> = async (c) => {
  c.header("Cache-Control", "no-store");
  return (await checkMigrated(c.env.DB)) ? c.json({ ready: true }, 200) : c.json({ ready: false }, 503);
};

export const live: RouteHandler<typeof routes.live, AppEnv> = (c) => c.json({ status: "ok" as const }, 200);
