import { env, exports } from "cloudflare:workers";
import type { z } from "zod";
import type { ErrorEnvelope, LoginResponse } from "@edge-ml/core/schemas";
import { tenants } from "@edge-ml/core/db/schema";
import { getDb } from "../src/lib/db";
import { createApiKey } from "../src/access/services/api-keys";
import { createUser } from "../src/access/services/users";

/** Calls the api worker through its real fetch handler, as a client would. */
export async function call(
  path: string,
  init: { method?: string; token?: string; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: BodyInit | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  return exports.default.fetch(`https://api.edge-ml.test${path}`, { method: init.method ?? "GET", headers, body });
}

/** The error envelope every route answers with: the api's own schema (core/schemas/common.ts), never a copy. */
export type ErrorBody = z.infer<typeof ErrorEnvelope>;

export const PASSWORD = "correct horse battery staple";

export type SeededTenant = {
  tenantId: string;
  adminEmail: string;
  adminUserId: string;
  adminKey: string;
  adminKeyId: string;
};

/**
 * A tenant with an admin user and an admin API key, created through the same services
 * the routes and the tenant CLI use.
 */
export async function seedTenant(
  label: string,
  status: "active" | "suspended" = "active",
  plan: "starter" | "pro" | "enterprise" = "pro",
  tenantId: string = crypto.randomUUID(),
): Promise<SeededTenant> {
  const db = getDb(env.DB);
  const now = new Date().toISOString();
  await db.insert(tenants).values({
    id: tenantId,
    name: `Tenant ${label}`,
    plan,
    status,
    settings: {},
    createdAt: now,
    updatedAt: now,
  });
  const adminEmail = `admin-${label}-${tenantId.slice(0, 8)}@example.com`;
  const user = await createUser(db, tenantId, { email: adminEmail, password: PASSWORD, role: "admin" });
  const key = await createApiKey(
    db,
    tenantId,
    {
      name: "admin",
      permissions: ["read", "write", "admin"],
      environment: "test",
      rate_limit_search: 1000,
      rate_limit_recommend: 500,
    },
    user.id,
  );
  return { tenantId, adminEmail, adminUserId: user.id, adminKey: key.secret, adminKeyId: key.id };
}

let loginClient = 0;

/** Logs in from a client IP of its own, as separate users would (login is limited per IP). */
export async function login(email: string, password = PASSWORD) {
  const ip = `192.0.2.${++loginClient % 250}`;
  const res = await call("/api/v1/auth/login", {
    method: "POST",
    body: { email, password },
    headers: { "cf-connecting-ip": ip },
  });
  return { res, body: (await res.json()) as z.infer<typeof LoginResponse> };
}

export type SentMail = { to: string; subject: string; text: string; kind: string; token?: string };

/** The mail sent to `to` so far (the outbox stand-in, access/services/mail.ts), oldest first. */
export async function mailTo(to: string): Promise<SentMail[]> {
  const listed = await env.DATA.list({ prefix: "mail/outbox/" });
  const mails = await Promise.all(listed.objects.map(async (o) => (await (await env.DATA.get(o.key))!.json()) as SentMail));
  return mails.filter((m) => m.to === to.toLowerCase());
}

/** A dashboard user, added as a tenant admin does: invited through the api, accepted with the mailed token. */
export async function addUser(t: SeededTenant, email: string, password: string, role: string) {
  const invited = await call("/api/v1/users", { method: "POST", token: t.adminKey, body: { email, role } });
  if (invited.status !== 202) throw new Error(`invite answered ${invited.status}: ${await invited.text()}`);
  const token = (await mailTo(email)).find((m) => m.kind === "invitation")?.token;
  if (!token) throw new Error(`no invitation mailed to ${email}`);
  return call("/api/v1/users/invitations/accept", { method: "POST", body: { token, password } });
}
