import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import { timingSafeEqual } from "@edge-ml/core/auth/secrets";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { CSRF_COOKIE, CSRF_HEADER } from "./session.cookies";

const utf8 = new TextEncoder();
/** Constant-time comparison: the token is a secret of this browser. */
const sameToken = (a: string, b: string) => timingSafeEqual(utf8.encode(a), utf8.encode(b));

/**
 * The session routes act on a cookie, so they are the only routes a cross-site page could
 * try to drive with this browser's credentials. Two independent checks, both required:
 * the request comes from this origin (Origin, and Sec-Fetch-Site when the browser sends it),
 * and it carries X-CSRF-Token equal to the CSRF cookie (double submit: a foreign page can
 * neither read the cookie nor send a custom header cross-origin without a CORS grant, which
 * these routes never give). SameSite=Strict on the refresh cookie is a third layer.
 */
export function refuseCrossSite() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header("origin");
    if (origin !== new URL(c.req.url).origin) {
      throw errors.forbidden("Cross-site request refused: the Origin header must be this console's origin");
    }
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined && site !== "same-origin") {
      throw errors.forbidden("Cross-site request refused: Sec-Fetch-Site must be same-origin");
    }
    const cookie = getCookie(c, CSRF_COOKIE);
    const header = c.req.header(CSRF_HEADER);
    if (!cookie || !header || !sameToken(cookie, header)) {
      throw errors.forbidden(`Cross-site request refused: ${CSRF_HEADER} must match the ${CSRF_COOKIE} cookie`);
    }
    await next();
  });
}
