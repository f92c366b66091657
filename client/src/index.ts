import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, operations, paths } from "./schema";
export { waitingOutRateLimits } from "./rate-limited";

/** The contract's error envelope (platform-api.md section 9), as the document declares it. */
export type ErrorEnvelope = components["schemas"]["Error"];

/** A client of every route in the document: `client.GET("/search", { params: { query: {...} } })`. */
export type EdgeMlClient = Client<paths>;

export type EdgeMlClientOptions = {
  /** The API's origin, e.g. `http://127.0.0.1:8787`; "" for the page's own origin (the console). */
  baseUrl: string;
  /** A fixed credential: an API key (`sk_live_...`) or an access token. */
  token?: string;
  /**
   * The current credential, asked on every request: the console keeps its access token in
   * memory and refreshes it, so a fixed string would go stale. `undefined` sends none.
   */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** Another fetch (a test's, or `waitingOutRateLimits()`); the global one, looked up per call, by default. */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent on every request (a correlation id, a client address in tests). */
  headers?: Record<string, string>;
};

/**
 * A typed client of the edge-ml API. openapi-fetch answers `{ data, error, response }` and
 * never throws on an HTTP status; `unwrap` turns that into data or an EdgeMlError.
 */
export function createEdgeMlClient(options: EdgeMlClientOptions): EdgeMlClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.headers,
    // Looked up per call, not captured: a page or test may replace the global fetch later,
    // and a bare reference to window.fetch must keep its receiver.
    fetch: options.fetch ?? ((input: Request) => globalThis.fetch(input)),
  });
  const { token, getToken } = options;
  if (token !== undefined || getToken) client.use(bearer(getToken ?? (() => token)));
  return client;
}

/** Adds `Authorization: Bearer <token>` unless the call set its own Authorization header. */
function bearer(current: () => string | undefined | Promise<string | undefined>): Middleware {
  return {
    async onRequest({ request }) {
      if (request.headers.has("authorization")) return request;
      const value = await current();
      if (value) request.headers.set("authorization", `Bearer ${value}`);
      return request;
    },
  };
}

/** A non-2xx answer, with the contract's envelope when the body was one. */
export class EdgeMlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const envelope = isEnvelope(body) ? body.error : undefined;
    super(envelope ? `${status} ${envelope.code}: ${envelope.message}` : `HTTP ${status}`);
    this.name = "EdgeMlError";
  }

  /** The envelope's code (`VALIDATION_ERROR`, `NOT_FOUND`, ...), when there was one. */
  get code(): string | undefined {
    return isEnvelope(this.body) ? this.body.error.code : undefined;
  }

  /** The offending field of a validation error (`details.field`). */
  get field(): string | undefined {
    const field = isEnvelope(this.body) ? this.body.error.details.field : undefined;
    return typeof field === "string" ? field : undefined;
  }
}

/** The data of a 2xx answer, or throws EdgeMlError: `const tenant = await unwrap(client.GET("/api/v1/tenant"))`. */
export async function unwrap<R extends { data?: unknown; error?: unknown; response: Response }>(
  call: Promise<R>,
): Promise<NonNullable<R["data"]>> {
  // Typed from openapi-fetch's answer as a whole: inferring the data type alone widened tuples to arrays.
  const { data, error, response } = await call;
  if (!response.ok) throw new EdgeMlError(response.status, error);
  return data as NonNullable<R["data"]>;
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  const error = (body as { error?: { code?: unknown; details?: unknown } } | null)?.error;
  return typeof error?.code === "string" && typeof error.details === "object" && error.details !== null;
}
