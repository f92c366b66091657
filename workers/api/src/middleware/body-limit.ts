import { bodyLimit } from "hono/body-limit";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "@edge-ml/core/errors";
import { MAX_BULK_BYTES } from "@edge-ml/core/schemas";

/**
 * Request-body ceilings: 1 MiB in general, MAX_BULK_BYTES on the bulk upload routes.
 * Enforced on Content-Length and, for chunked bodies, while streaming.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const BULK_PATHS = /^\/(api\/v1\/items|api\/v1\/model\/training-data|internal\/data\/(items|interactions))\/?$/;

function limit(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("payload_too_large", `Request body exceeds ${maxSize} bytes`, { max_bytes: maxSize });
    },
  });
}

export function limitBody(): MiddlewareHandler {
  const small = limit(DEFAULT_MAX_BODY_BYTES);
  const large = limit(MAX_BULK_BYTES);
  return (c, next) => (BULK_PATHS.test(c.req.path) ? large(c, next) : small(c, next));
}
