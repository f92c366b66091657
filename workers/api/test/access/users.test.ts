import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import type { z } from "zod";
import { base64url, fromBase64url, signInvitation } from "@edge-ml/core/auth";
import type { UserList, UserRecord } from "@edge-ml/core/schemas";
import { call, login, mailTo, seedTenant, type ErrorBody } from "../helpers";

// The response types are the api's own schemas (core/schemas/auth.ts), never copies.
type User = z.infer<typeof UserRecord>;
type Users = z.infer<typeof UserList>;

describe("tenant admin manages users", () => {
  it("invites a user, who accepts with their own password and can then log in with the given role", async () => {
    const t = await seedTenant("users");
    const email = `dev-${t.tenantId}@example.com`;
    const res = await call("/api/v1/users", { method: "POST", token: t.adminKey, body: { email, role: "developer" } });
    expect(res.status).toBe(202);
    const invited = (await res.json()) as Record<string, unknown>;
    expect(invited).toEqual({ email, role: "developer", status: "invited", expires_at: expect.any(String) });
    // The token goes to the address, not back to the admin.
    const [mail] = await mailTo(email);
    expect(mail).toMatchObject({ kind: "invitation", token: expect.stringMatching(/^inv_/) });
    expect(JSON.stringify(invited)).not.toContain(mail!.token!);

    const accepted = await call("/api/v1/users/invitations/accept", {
      method: "POST",
      body: { token: mail!.token, password: "developer pass 42" },
    });
    expect(accepted.status).toBe(201);
    const user = (await accepted.json()) as User;
    expect(user).toMatchObject({ email, role: "developer", tenant_id: t.tenantId });
    expect(user).not.toHaveProperty("password_hash");

    const { res: loginRes, body } = await login(email, "developer pass 42");
    expect(loginRes.status).toBe(200);
    expect(body.user).toMatchObject({ role: "developer", tenant_id: t.tenantId });

    const list = (await (await call("/api/v1/users", { token: t.adminKey })).json()) as Users;
    expect(list.users.map((u) => u.email)).toEqual(expect.arrayContaining([t.adminEmail, email]));
    // Spent: the user exists now.
    const again = await call("/api/v1/users/invitations/accept", {
      method: "POST",
      body: { token: mail!.token, password: "developer pass 43" },
    });
    expect(again.status).toBe(409);
  });

  it("refuses a duplicate email of the caller's own tenant with 409, whatever its case", async () => {
    const t = await seedTenant("dup");
    const res = await call("/api/v1/users", {
      method: "POST",
      token: t.adminKey,
      body: { email: t.adminEmail.toUpperCase() },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: "CONFLICT", details: { field: "email" } });
  });

  it("does not reveal that an email belongs to another tenant: the same answer as for a fresh one", async () => {
    const a = await seedTenant("enum-a");
    const b = await seedTenant("enum-b");
    const invite = (email: string) =>
      call("/api/v1/users", { method: "POST", token: b.adminKey, body: { email, role: "viewer" } });
    const shape = async (res: Response) => {
      const body = (await res.json()) as Record<string, unknown>;
      return { status: res.status, keys: Object.keys(body).sort(), state: body.status, role: body.role };
    };
    const taken = await invite(a.adminEmail.toUpperCase());
    const fresh = await invite(`fresh-${b.tenantId}@example.com`);
    expect(await shape(taken)).toEqual(await shape(fresh));
    expect(taken.status).toBe(202);
    // Nothing changed for tenant A's user; B's list shows neither address until accepted.
    expect((await login(a.adminEmail)).body.user).toMatchObject({ tenant_id: a.tenantId });
    const list = (await (await call("/api/v1/users", { token: b.adminKey })).json()) as { users: { email: string }[] };
    expect(list.users.map((u) => u.email)).toEqual([b.adminEmail]);
    // Only the address learns the difference: it gets a notice, not a token.
    expect((await mailTo(a.adminEmail)).map((m) => [m.kind, m.token ?? null])).toEqual([["invitation_unusable", null]]);
  });

  it("refuses a forged, tampered or expired invitation before creating anything", async () => {
    const t = await seedTenant("forged");
    const email = `forged-${t.tenantId}@example.com`;
    const inv = (role: string, expiresAtMs: number) => ({ tenantId: t.tenantId, email, role, expiresAtMs });
    const expired = await signInvitation(env.JWT_SECRET, inv("admin", Date.now() - 1));
    const forged = await signInvitation("another-secret", inv("admin", Date.now() + 60_000));
    const good = await signInvitation(env.JWT_SECRET, inv("viewer", Date.now() + 60_000));
    const [payload, mac] = good.slice("inv_".length).split(".");
    const wire = JSON.parse(new TextDecoder().decode(fromBase64url(payload!)!)) as Record<string, unknown>;
    const elevated = `inv_${base64url(new TextEncoder().encode(JSON.stringify({ ...wire, r: "admin" })))}.${mac}`;
    for (const token of [expired, forged, elevated, "inv_garbage"]) {
      const res = await call("/api/v1/users/invitations/accept", {
        method: "POST",
        body: { token, password: "a long enough password" },
      });
      expect(res.status, token).toBe(401);
    }
    const list = (await (await call("/api/v1/users", { token: t.adminKey })).json()) as { users: { email: string }[] };
    expect(list.users.map((u) => u.email)).not.toContain(email);
  });

  it("enforces the password policy (on accepting) and role names (on inviting)", async () => {
    const t = await seedTenant("policy");
    const token = await signInvitation(env.JWT_SECRET, {
      tenantId: t.tenantId,
      email: `x-${t.tenantId}@example.com`,
      role: "viewer",
      expiresAtMs: Date.now() + 60_000,
    });
    const short = await call("/api/v1/users/invitations/accept", {
      method: "POST",
      body: { token, password: "short" },
    });
    expect(short.status).toBe(400);
    expect(((await short.json()) as ErrorBody).error.details.field).toBe("password");
    const role = await call("/api/v1/users", {
      method: "POST",
      token: t.adminKey,
      body: { email: "y@example.com", role: "root" },
    });
    expect(role.status).toBe(400);
    expect(((await role.json()) as ErrorBody).error.details.field).toBe("role");
  });

  it("users list only shows the caller's tenant", async () => {
    const a = await seedTenant("ulist-a");
    const b = await seedTenant("ulist-b");
    const list = (await (await call("/api/v1/users", { token: a.adminKey })).json()) as Users;
    expect(list.users.every((u) => u.tenant_id === a.tenantId)).toBe(true);
    expect(list.users.map((u) => u.email)).not.toContain(b.adminEmail);
  });
});
