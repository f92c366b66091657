import type { RouteHandler } from "@hono/zod-openapi";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { logIn, logOut, refreshLogin } from "../../access/services/logins";
import { clearRefreshCookie, refreshCookie, setRefreshCookie } from "./session.cookies";
import type * as routes from "./session.routes";

export const login: RouteHandler<typeof routes.login, AppEnv> = async (c) => {
  const { email, password } = c.req.valid("json");
  const { refresh_token, ...session } = await logIn(getDb(c.env.DB), c.env.JWT_SECRET, email, password);
  setRefreshCookie(c, refresh_token);
  return c.json(session, 200);
};

export const refresh: RouteHandler<typeof routes.refresh, AppEnv> = async (c) => {
  const token = refreshCookie(c);
  if (!token) throw errors.unauthenticated("No console session: log in");
  try {
    const { refresh_token, ...session } = await refreshLogin(getDb(c.env.DB), c.env.JWT_SECRET, token);
    setRefreshCookie(c, refresh_token);
    return c.json(session, 200);
  } catch (e) {
    // A spent, revoked or expired cookie is of no further use: drop it with the 401.
    clearRefreshCookie(c);
    throw e;
  }
};

export const logout: RouteHandler<typeof routes.logout, AppEnv> = async (c) => {
  const token = refreshCookie(c);
  if (token) await logOut(getDb(c.env.DB), token);
  clearRefreshCookie(c);
  return c.body(null, 204);
};
