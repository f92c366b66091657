import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { sha256Hex } from "@edge-ml/core/auth";
import type {
  AuthApiKeyList,
  AuthCreatedApiKey,
  LoginResponse,
  TenantView,
  V1ApiKeyList,
  V1CreatedApiKey,
} from "@edge-ml/core/schemas";
import { addUser, call, seedTenant, type ErrorBody } from "../helpers";

// The response types are the api's own schemas (core/schemas/api-keys.ts, tenant.ts), never copies.
type V1Created = z.infer<typeof V1CreatedApiKey>;
type V1List = z.infer<typeof V1ApiKeyList>;
type AuthCreated = z.infer<typeof AuthCreatedApiKey>;
type AuthList = z.infer<typeof AuthApiKeyList>;
type Tenant = z.infer<typeof TenantView>;

async function createV1(token: string, body: Record<string, unknown>) {
  const res = await call("/api/v1/api-keys", { method: "POST", token, body });
  return { res, body: (await res.json()) as V1Created & ErrorBody };
}

describe("platform key API: /api/v1/api-keys", () => {
  it("creates, lists and revokes; the secret is shown once and stored only as a hash", async () => {
    const t = await seedTenant("v1");
    const { res, body } = await createV1(t.adminKey, {
      name: "Staging Key",
      permissions: ["read", "write"],
      environment: "test",
    });
    expect(res.status).toBe(201);
    expect(body.key).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
    expect(body.key.startsWith(body.key_prefix)).toBe(true);
    expect(body).toMatchObject({ name: "Staging Key", permissions: ["read", "write"], status: "active" });

    const stored = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?")
      .bind(body.id)
      .first<Record<string, string>>();
    expect(stored!.key_hash).toBe(await sha256Hex(body.key));
    expect(JSON.stringify(stored)).not.toContain(body.key);

    const list = await call("/api/v1/api-keys", { token: t.adminKey });
    expect(list.status).toBe(200);
    const listed = (await list.json()) as V1List;
    expect(listed.keys.map((k) => k.id)).toContain(body.id);
    expect(JSON.stringify(listed)).not.toContain(body.key);
    expect(listed.keys[0]).toHaveProperty("key_prefix");

    // The new key works, then stops working once revoked.
    expect((await call("/api/v1/tenant", { token: body.key })).status).toBe(200);
    const del = await call(`/api/v1/api-keys/${body.id}`, { method: "DELETE", token: t.adminKey });
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({ id: body.id, status: "revoked" });
    const after = await call("/api/v1/tenant", { token: body.key });
    expect(after.status).toBe(401);
    expect(((await after.json()) as ErrorBody).error.message).toMatch(/revoked/);
  });

  it("defaults to live keys with read and write", async () => {
    const t = await seedTenant("defaults");
    const { body } = await createV1(t.adminKey, { name: "Production Key" });
    expect(body.key).toMatch(/^sk_live_/);
    expect(body.permissions).toEqual(["read", "write"]);
  });
});

describe("search-recommend key API: /auth/api-keys", () => {
  it("creates with per-key limits, lists as an array and revokes with 204", async () => {
    const t = await seedTenant("auth");
    const res = await call("/auth/api-keys", {
      method: "POST",
      token: t.adminKey,
      body: {
        name: "Production Frontend",
        rate_limit_search: 1200,
        rate_limit_recommend: 600,
        allowed_ips: ["192.168.1.0/24"],
        expires_at: "2099-12-31T23:59:59Z",
      },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as AuthCreated;
    expect(created).toMatchObject({ rate_limit_search: 1200, rate_limit_recommend: 600 });
    expect(created.api_key).toMatch(/^sk_live_/);

    const list = await call("/auth/api-keys", { token: t.adminKey });
    const keys = (await list.json()) as AuthList;
    expect(Array.isArray(keys)).toBe(true);
    expect(keys.find((k) => k.key_id === created.key_id)).toMatchObject({
      name: "Production Frontend",
      rate_limit_search: 1200,
      rate_limit_recommend: 600,
      allowed_ips: ["192.168.1.0/24"],
      expires_at: "2099-12-31T23:59:59.000Z",
      last_used_at: null,
    });

    const del = await call(`/auth/api-keys/${created.key_id}`, { method: "DELETE", token: t.adminKey });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe("");
    // Idempotent: revoking again is still 204.
    expect((await call(`/auth/api-keys/${created.key_id}`, { method: "DELETE", token: t.adminKey })).status).toBe(204);
  });

  it("both APIs see the same keys", async () => {
    const t = await seedTenant("shared");
    const { body } = await createV1(t.adminKey, { name: "via v1" });
    const keys = (await (await call("/auth/api-keys", { token: t.adminKey })).json()) as AuthList;
    expect(keys.map((k) => k.key_id)).toContain(body.id);
  });

  it("rejects bad fields with the field named", async () => {
    const t = await seedTenant("badfields");
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "x", allowed_ips: ["300.1.1.1/8"] }, "allowed_ips.0"],
      [{ name: "x", allowed_ips: ["10.0.0.0/33"] }, "allowed_ips.0"],
      [{ name: "x", expires_at: "yesterday" }, "expires_at"],
      [{ name: "x", expires_at: "2001-01-01T00:00:00Z" }, "expires_at"],
      [{ name: "x", rate_limit_search: 0 }, "rate_limit_search"],
      [{ name: "x", permissions: ["root"] }, "permissions.0"],
      [{}, "name"],
    ];
    for (const [body, field] of cases) {
      const res = await call("/auth/api-keys", { method: "POST", token: t.adminKey, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as ErrorBody).error.details.field, JSON.stringify(body)).toBe(field);
    }
  });
});

describe("API key authentication", () => {
  it("refuses a missing, garbled or unknown key with 401", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /Missing Authorization/],
      [{ authorization: "Basic abc" }, /Bearer/],
      [{ authorization: "Bearer sk_live_short" }, /Malformed API key/],
      [{ authorization: `Bearer sk_live_${"A".repeat(43)}` }, /Invalid API key/],
    ];
    for (const [headers, message] of cases) {
      const res = await call("/api/v1/tenant", { headers });
      expect(res.status).toBe(401);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe("AUTHENTICATION_FAILED");
      expect(body.error.message).toMatch(message);
    }
  });

  it("refuses an expired key", async () => {
    const t = await seedTenant("expkey");
    const { body } = await createV1(t.adminKey, {
      name: "short-lived",
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    // Move the expiry into the past before the key's first use.
    const past = new Date(Date.now() - 1000).toISOString();
    await env.DB.prepare("UPDATE api_keys SET expires_at = ? WHERE id = ?").bind(past, body.id).run();
    const res = await call("/api/v1/tenant", { token: body.key });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(/expired/);
  });

  it("enforces allowed_ips for IPv4 and IPv6", async () => {
    const t = await seedTenant("ips");
    const { body } = await createV1(t.adminKey, { name: "pinned", allowed_ips: ["203.0.113.0/24", "2001:db8::/32"] });
    const from = (ip?: string) =>
      call("/api/v1/tenant", { token: body.key, headers: ip ? { "cf-connecting-ip": ip } : {} });
    expect((await from("203.0.113.77")).status).toBe(200);
    expect((await from("2001:db8:1234::1")).status).toBe(200);
    expect((await from("::ffff:203.0.113.5")).status).toBe(200);
    const outside = await from("198.51.100.1");
    expect(outside.status).toBe(403);
    expect(((await outside.json()) as ErrorBody).error.message).toMatch(/allowed_ips/);
    expect((await from("2001:db9::1")).status).toBe(403);
    expect((await from()).status).toBe(403);
  });

  it("records last_used_at, at most once a minute", async () => {
    const t = await seedTenant("lastused");
    const { body } = await createV1(t.adminKey, { name: "used" });
    for (let i = 0; i < 5; i++) expect((await call("/api/v1/tenant", { token: body.key })).status).toBe(200);
    const read = () =>
      env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?").bind(body.id).first<{ last_used_at: string }>();
    await expect.poll(async () => (await read())?.last_used_at).toBeTruthy();
    const first = (await read())!.last_used_at;
    for (let i = 0; i < 3; i++) await call("/api/v1/tenant", { token: body.key });
    await new Promise((r) => setTimeout(r, 50));
    expect((await read())!.last_used_at).toBe(first);
  });
});

describe("roles and permissions", () => {
  it("a read/write key cannot call admin routes", async () => {
    const t = await seedTenant("rw");
    const { body } = await createV1(t.adminKey, { name: "rw", permissions: ["read", "write"] });
    for (const [method, path] of [
      ["GET", "/api/v1/api-keys"],
      ["POST", "/auth/api-keys"],
      ["GET", "/auth/api-keys"],
      ["GET", "/api/v1/users"],
    ] as const) {
      const res = await call(path, { method, token: body.key, body: method === "POST" ? { name: "x" } : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(((await res.json()) as ErrorBody).error.code).toBe("FORBIDDEN");
    }
  });

  it("a viewer user cannot call admin routes but can read the tenant", async () => {
    const t = await seedTenant("viewer");
    const created = await addUser(t, `viewer-${t.tenantId}@example.com`, "viewer password 123", "viewer");
    expect(created.status).toBe(201);
    const res = await call("/api/v1/auth/login", {
      method: "POST",
      body: { email: `viewer-${t.tenantId}@example.com`, password: "viewer password 123" },
    });
    const { access_token } = (await res.json()) as z.infer<typeof LoginResponse>;
    expect((await call("/api/v1/tenant", { token: access_token })).status).toBe(200);
    expect((await call("/api/v1/api-keys", { token: access_token })).status).toBe(403);
    expect((await call(`/auth/api-keys/${t.adminKeyId}`, { method: "DELETE", token: access_token })).status).toBe(403);
    expect(
      (await call("/api/v1/auth/login", { method: "POST", body: { email: t.adminEmail, password: "x" } })).status,
    ).toBe(401);
  });
});

describe("tenant isolation", () => {
  it("tenant A cannot list or revoke tenant B's keys", async () => {
    const a = await seedTenant("iso-a");
    const b = await seedTenant("iso-b");
    const listA = (await (await call("/api/v1/api-keys", { token: a.adminKey })).json()) as V1List;
    expect(listA.keys.map((k) => k.id)).not.toContain(b.adminKeyId);
    const authListA = (await (await call("/auth/api-keys", { token: a.adminKey })).json()) as AuthList;
    expect(authListA.map((k) => k.key_id)).not.toContain(b.adminKeyId);

    const v1 = await call(`/api/v1/api-keys/${b.adminKeyId}`, { method: "DELETE", token: a.adminKey });
    expect(v1.status).toBe(404);
    const auth = await call(`/auth/api-keys/${b.adminKeyId}`, { method: "DELETE", token: a.adminKey });
    expect(auth.status).toBe(404);
    // B's key still works.
    expect((await call("/api/v1/tenant", { token: b.adminKey })).status).toBe(200);
    const tenantSeenByB = (await (await call("/api/v1/tenant", { token: b.adminKey })).json()) as Tenant;
    expect(tenantSeenByB.tenant_id).toBe(b.tenantId);
  });

  it("a suspended tenant's key is refused with 403", async () => {
    const t = await seedTenant("suspkey", "suspended");
    const res = await call("/api/v1/tenant", { token: t.adminKey });
    expect(res.status).toBe(403);
  });
});
