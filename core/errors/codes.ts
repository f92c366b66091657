import type { ErrorKind } from "./api-error";

/**
 * HTTP status and error code for each error kind.
 *
 * platform-api.md and search-recommend-api.md share one table; classifier-api.md names
 * two codes differently (401 UNAUTHORIZED, 429 RATE_LIMITED). A client of one contract
 * must only ever see that contract's codes, so the code depends on the contract that owns
 * the route (decided by path, `contractOf`). docs/decisions.md records the mapping.
 */
export type Contract = "platform" | "classifier";

type CodeRow = { status: number; platform: string; classifier: string };

export const ERROR_CODES: Record<ErrorKind, CodeRow> = {
  validation: { status: 400, platform: "VALIDATION_ERROR", classifier: "VALIDATION_ERROR" },
  unauthenticated: { status: 401, platform: "AUTHENTICATION_FAILED", classifier: "UNAUTHORIZED" },
  forbidden: { status: 403, platform: "FORBIDDEN", classifier: "FORBIDDEN" },
  not_found: { status: 404, platform: "NOT_FOUND", classifier: "NOT_FOUND" },
  method_not_allowed: { status: 405, platform: "METHOD_NOT_ALLOWED", classifier: "METHOD_NOT_ALLOWED" },
  conflict: { status: 409, platform: "CONFLICT", classifier: "CONFLICT" },
  payload_too_large: { status: 413, platform: "PAYLOAD_TOO_LARGE", classifier: "PAYLOAD_TOO_LARGE" },
  unsupported_media_type: {
    status: 415,
    platform: "UNSUPPORTED_MEDIA_TYPE",
    classifier: "UNSUPPORTED_MEDIA_TYPE",
  },
  rate_limited: { status: 429, platform: "RATE_LIMIT_EXCEEDED", classifier: "RATE_LIMITED" },
  internal: { status: 500, platform: "INTERNAL_ERROR", classifier: "INTERNAL_ERROR" },
  unavailable: { status: 503, platform: "SERVICE_UNAVAILABLE", classifier: "SERVICE_UNAVAILABLE" },
};

const CLASSIFIER_PATH = /^\/api\/v1\/(predict|feedback|model)(\/|$)/;

/** Which contract's error vocabulary a path speaks. */
export function contractOf(path: string): Contract {
  return CLASSIFIER_PATH.test(path) ? "classifier" : "platform";
}

export function codeFor(kind: ErrorKind, contract: Contract): { status: number; code: string } {
  const row = ERROR_CODES[kind];
  return { status: row.status, code: row[contract] };
}

/** The kind for a bare HTTP status (errors raised by Hono's own middleware). */
export function kindForStatus(status: number): ErrorKind {
  const found = (Object.keys(ERROR_CODES) as ErrorKind[]).find((k) => ERROR_CODES[k].status === status);
  if (found) return found;
  return status >= 500 ? "internal" : "validation";
}
