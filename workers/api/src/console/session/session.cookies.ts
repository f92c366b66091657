import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { randomToken } from "@edge-ml/core/auth/secrets";
import { REFRESH_TOKEN_TTL_SECONDS } from "../../access/services/refresh-tokens";
import type { AppEnv } from "../../env";

/**
 * The console's cookies. The refresh token is the only credential a cookie ever carries:
 * HttpOnly (no script reads it), Secure, SameSite=Strict (never sent on a cross-site request)
 * and scoped to the session routes (Path), so no API route can be authenticated by it: the
 * API still takes bearer tokens only, and the console holds its access token in memory.
 * The CSRF cookie is readable by the console's script on purpose (double submit).
 */
export const REFRESH_COOKIE = "edgeml_refresh";
export const CSRF_COOKIE = "edgeml_csrf";
export const CSRF_HEADER = "X-CSRF-Token";
export const SESSION_PATH = "/console/session";

export function setRefreshCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, REFRESH_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    path: SESSION_PATH,
    maxAge: REFRESH_TOKEN_TTL_SECONDS,
  });
}

export function clearRefreshCookie(c: Context<AppEnv>): void {
  deleteCookie(c, REFRESH_COOKIE, { httpOnly: true, secure: true, sameSite: "Strict", path: SESSION_PATH });
}

export function refreshCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, REFRESH_COOKIE) || undefined;
}

/** Set by the console's HTML shell when absent: a random value the script echoes in X-CSRF-Token. */
export function ensureCsrfCookie(c: Context<AppEnv>): void {
  if (getCookie(c, CSRF_COOKIE)) return;
  setCookie(c, CSRF_COOKIE, randomToken(32), { secure: true, sameSite: "Strict", path: "/" });
}
