import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import { ApiError } from "@edge-ml/core/errors";
import type { AppEnv } from "../env";

/**
 * Turns a zod failure into the contract's VALIDATION_ERROR: the first issue is the
 * message and `details.field`; every issue is listed in `details.issues`.
 */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, _c) => {
  if (result.success) return;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || undefined,
    reason: issue.message,
  }));
  const first = issues[0];
  const target = (result as { target?: string }).target;
  const where = target === "query" ? "query parameter" : target === "param" ? "path parameter" : "field";
  const message = first?.field
    ? `Invalid ${where} '${first.field}': ${first.reason}`
    : (first?.reason ?? "Invalid request");
  throw new ApiError("validation", message, {
    field: first?.field,
    reason: first?.reason,
    location: target,
    issues,
  });
};

/** Every resource router is made here, so all of them validate the same way. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ strict: false, defaultHook: validationHook });
}
