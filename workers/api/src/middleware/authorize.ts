import { createMiddleware } from "hono/factory";
import { errors } from "@edge-ml/core/errors";
import type { Permission } from "@edge-ml/core/schemas";
import type { AppEnv } from "../env";

/**
 * Refuses the request with 403 unless the principal holds `permission`.
 * Runs after `authenticate()`, so a missing principal is a wiring bug, reported as 401.
 */
export function requirePermission(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    if (!principal) throw errors.unauthenticated();
    if (!principal.permissions.has(permission)) {
      throw errors.forbidden(`This route needs the '${permission}' permission`);
    }
    await next();
  });
}
