import { bodyLimit } from "hono/body-limit";
import { ApiError } from "@edge-ml/core/errors";

/**
 * Default request-body ceiling. Bulk ingestion routes set their own, larger limit.
 * Enforced on Content-Length and, for chunked bodies, while streaming.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function limitBody(maxSize = DEFAULT_MAX_BODY_BYTES) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("payload_too_large", `Request body exceeds ${maxSize} bytes`, { max_bytes: maxSize });
    },
  });
}
