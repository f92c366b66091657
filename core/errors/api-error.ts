/**
 * The one error type of the platform. Handlers and middleware throw it; the api
 * worker's single `onError` turns it into the contract's envelope.
 *
 * An error is described by its `kind` (what went wrong) rather than by a code string,
 * because the two public contracts spell some codes differently (see `codes.ts`).
 */
export type ErrorKind =
  | "validation"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "internal"
  | "unavailable";

/** Field-level detail; `field` is the dotted path of the offending input when there is one. */
export type ErrorDetails = { field?: string; reason?: string; [key: string]: unknown };

export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly details: ErrorDetails;
  /** Extra response headers, e.g. `Retry-After` or `Allow`. */
  readonly headers: Record<string, string>;

  constructor(kind: ErrorKind, message: string, details: ErrorDetails = {}, headers: Record<string, string> = {}) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.details = details;
    this.headers = headers;
  }
}

/** Shorthands for the errors thrown most often. */
export const errors = {
  validation: (message: string, field?: string, reason?: string) =>
    new ApiError("validation", message, field === undefined ? {} : { field, reason: reason ?? message }),
  unauthenticated: (message = "Invalid or missing credentials") => new ApiError("unauthenticated", message),
  forbidden: (message = "Insufficient permissions") => new ApiError("forbidden", message),
  notFound: (what: string) => new ApiError("not_found", `${what} not found`),
  conflict: (message: string, field?: string) =>
    new ApiError("conflict", message, field === undefined ? {} : { field }),
};
