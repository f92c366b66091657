import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/**
 * A JSON API needs no document capabilities: no scripts, no frames, nothing loaded. HTML
 * pages (the `/docs` reference) set their own, stricter-than-default, hash-based policy.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const ALWAYS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  // Two years and subdomains: the api is only ever served over TLS (browsers ignore it on http).
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
};

/**
 * Outermost middleware: the headers every response carries, errors and 404s included.
 * `Cache-Control: no-store` is the default rather than a list of secret-bearing routes
 * (login, refresh, key and webhook creation...), so a new route that returns a token can
 * never be cached by mistake; a route that wants caching sets its own Cache-Control.
 */
export function securityHeaders() {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const h = c.res.headers;
    for (const [name, value] of Object.entries(ALWAYS)) h.set(name, value);
    if (!h.has("Content-Security-Policy")) h.set("Content-Security-Policy", API_CSP);
    if (!h.has("Cache-Control")) h.set("Cache-Control", "no-store");
  });
}
