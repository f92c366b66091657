import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { UserList, UserRecord } from "@edge-ml/core/schemas";
import { call, login, seedTenant, type ErrorBody } from "../helpers";

// The response types are the api's own schemas (core/schemas/auth.ts), never copies.
type User = z.infer<typeof UserRecord>;
type Users = z.infer<typeof UserList>;

describe("tenant admin manages users", () => {
  it("creates a user who can then log in with the given role", async () => {
    const t = await seedTenant("users");
    const email = `dev-${t.tenantId}@example.com`;
    const res = await call("/api/v1/users", {
      method: "POST",
      token: t.adminKey,
      body: { email, password: "developer pass 42", role: "developer" },
    });
    expect(res.status).toBe(201);
    const user = (await res.json()) as User;
    expect(user).toMatchObject({ email, role: "developer", tenant_id: t.tenantId });
    expect(user).not.toHaveProperty("password_hash");

    const { res: loginRes, body } = await login(email, "developer pass 42");
    expect(loginRes.status).toBe(200);
    expect(body.user).toMatchObject({ role: "developer", tenant_id: t.tenantId });

    const list = (await (await call("/api/v1/users", { token: t.adminKey })).json()) as Users;
    expect(list.users.map((u) => u.email)).toEqual(expect.arrayContaining([t.adminEmail, email]));
  });

  it("refuses a duplicate email with 409, whatever its case", async () => {
    const t = await seedTenant("dup");
    const res = await call("/api/v1/users", {
      method: "POST",
      token: t.adminKey,
      body: { email: t.adminEmail.toUpperCase(), password: "another password 1" },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: "CONFLICT", details: { field: "email" } });
  });

  it("enforces the password policy and role names", async () => {
    const t = await seedTenant("policy");
    const short = await call("/api/v1/users", {
      method: "POST",
      token: t.adminKey,
      body: { email: "x@example.com", password: "short" },
    });
    expect(short.status).toBe(400);
    expect(((await short.json()) as ErrorBody).error.details.field).toBe("password");
    const role = await call("/api/v1/users", {
      method: "POST",
      token: t.adminKey,
      body: { email: "y@example.com", password: "long enough password", role: "root" },
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
