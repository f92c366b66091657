/**
 * The console's only way to the API: the typed client (@edge-ml/client), with the session's
 * in-memory access token. Pages get it as ctx.api; `unwrap` turns an answer into data or an
 * EdgeMlError carrying the contract's envelope.
 */
export { createEdgeMlClient, EdgeMlError, unwrap, type EdgeMlClient } from "@edge-ml/client";
export type { components } from "@edge-ml/client";

/**
 * Calls again after a 429, waiting the Retry-After it names (at most three times, at most 60 s each):
 * the contract limits /api/v1/model/* to a few calls a minute per tenant, which a console with
 * several pages open can reach; a short wait is a better answer than an error banner.
 */
export async function retryRateLimited<R extends { response: Response }>(call: () => Promise<R>): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    const result = await call();
    if (result.response.status !== 429 || attempt === 3) return result;
    const wait = Math.min(Number(result.response.headers.get("retry-after")) || 5, 60);
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
}
