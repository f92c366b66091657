import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, codeFor, contractOf, kindForStatus } from "@edge-ml/core/errors";
import type { AppEnv } from "../env";

/**
 * The one place an error becomes a response: the contract's envelope, the code of the
 * contract that owns the path, never a stack trace or SQL (those go to the log only).
 */
export function errorResponse(c: Context<AppEnv>, error: ApiError): Response {
  const { status, code } = codeFor(error.kind, contractOf(c.req.path));
  const details = Object.fromEntries(Object.entries(error.details).filter(([, v]) => v !== undefined));
  const body = {
    error: {
      code,
      message: error.message,
      details,
      request_id: c.get("requestId") ?? crypto.randomUUID(),
      correlation_id: c.get("correlationId") ?? crypto.randomUUID(),
      timestamp: new Date().toISOString(),
    },
  };
  const res = c.json(body, status as 400);
  for (const [name, value] of Object.entries(error.headers)) res.headers.set(name, value);
  return res;
}

/** Messages for errors raised by Hono itself (body parsing, body limit, media type). */
function fromHttpException(e: HTTPException): ApiError {
  const kind = kindForStatus(e.status);
  if (e.status === 400) return new ApiError(kind, e.message || "Malformed request", { reason: "malformed_body" });
  if (e.status === 415) return new ApiError(kind, "Content-Type must be application/json");
  return new ApiError(kind, e.message || "Request refused");
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException) return errorResponse(c, fromHttpException(err));
  const logger = c.get("logger");
  const detail = {
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    stack: (err as Error)?.stack,
  };
  if (logger) logger.error("Unhandled error", detail);
  else console.error(JSON.stringify({ level: "ERROR", message: "Unhandled error", context: detail }));
  return errorResponse(c, new ApiError("internal", "Internal server error"));
};

type RouteEntry = { method: string; path: string };

/** Path template -> regex, for telling 404 from 405. */
function templateRegex(path: string): RegExp {
  const pattern = path
    .split("/")
    .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg === "*" ? ".*" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${pattern}/?$`);
}

/**
 * Not-found handler that answers 405 with `Allow` when the path exists under another
 * method. `routes` is read lazily because sub-apps are mounted after the handler is made.
 */
export function notFound(routes: () => readonly RouteEntry[]): NotFoundHandler<AppEnv> {
  let compiled: { method: string; regex: RegExp }[] | undefined;
  return (c) => {
    compiled ??= routes()
      .filter((r) => r.method !== "ALL")
      .map((r) => ({ method: r.method, regex: templateRegex(r.path) }));
    const allowed = [...new Set(compiled.filter((r) => r.regex.test(c.req.path)).map((r) => r.method))];
    if (allowed.length > 0) {
      if (allowed.includes("GET") && !allowed.includes("HEAD")) allowed.push("HEAD");
      return errorResponse(
        c,
        new ApiError(
          "method_not_allowed",
          `Method ${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(", ")}`,
          {},
          { Allow: allowed.join(", ") },
        ),
      );
    }
    return errorResponse(c, new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}`));
  };
}
