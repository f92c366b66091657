import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { acceptInvitation, inviteUser } from "../services/invitations";
import { listUsers, userView } from "../services/users";
import type * as routes from "./users.routes";

export const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const rows = await listUsers(getDb(c.env.DB), c.get("principal").tenantId);
  return c.json({ users: rows.map(userView) }, 200);
};

export const create: RouteHandler<typeof routes.create, AppEnv> = async (c) => {
  const invitation = await inviteUser(c.env, getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("json"));
  return c.json(invitation, 202);
};

export const accept: RouteHandler<typeof routes.accept, AppEnv> = async (c) => {
  const { token, password } = c.req.valid("json");
  const row = await acceptInvitation(c.env, getDb(c.env.DB), token, password);
  return c.json(userView(row), 201);
};
