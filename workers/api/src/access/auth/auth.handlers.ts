import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { logIn, logOut, refreshLogin } from "../services/logins";
import type * as routes from "./auth.routes";

export const login: RouteHandler<typeof routes.login, AppEnv> = async (c) => {
  const { email, password } = c.req.valid("json");
  return c.json(await logIn(getDb(c.env.DB), c.env.JWT_SECRET, email, password), 200);
};

export const refresh: RouteHandler<typeof routes.refresh, AppEnv> = async (c) => {
  const { user: _user, ...body } = await refreshLogin(
    getDb(c.env.DB),
    c.env.JWT_SECRET,
    c.req.valid("json").refresh_token,
  );
  return c.json(body, 200);
};

export const logout: RouteHandler<typeof routes.logout, AppEnv> = async (c) => {
  await logOut(getDb(c.env.DB), c.req.valid("json").refresh_token);
  return c.body(null, 204);
};
