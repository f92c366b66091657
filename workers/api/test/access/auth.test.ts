import jwt from "@tsndr/cloudflare-worker-jwt";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { base64url } from "@edge-ml/core/auth";
import type { RefreshResponse } from "@edge-ml/core/schemas";
import { signAccessToken } from "../../src/access/services/access-tokens";
import { call, login, PASSWORD, seedTenant, type ErrorBody } from "../helpers";

// The refresh response is the api's own schema (core/schemas/auth.ts), never a copy.
type Refreshed = z.infer<typeof RefreshResponse>;

const b64json = (o: unknown) => base64url(new TextEncoder().encode(JSON.stringify(o)));

async function expect401(token: string, messagePart?: RegExp) {
  const res = await call("/api/v1/tenant", { token });
  expect(res.status).toBe(401);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe("AUTHENTICATION_FAILED");
  if (messagePart) expect(body.error.message).toMatch(messagePart);
}

describe("POST /api/v1/auth/login", () => {
  it("returns a 900 s access token, a refresh token and the user", async () => {
    const t = await seedTenant("login");
    const { res, body } = await login(t.adminEmail);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({
      expires_in: 900,
      token_type: "Bearer",
      user: { id: t.adminUserId, email: t.adminEmail, tenant_id: t.tenantId, role: "admin" },
    });
    const decoded = jwt.decode(body.access_token);
    expect(decoded.header?.alg).toBe("HS256");
    expect(decoded.payload?.exp! - decoded.payload?.iat!).toBe(900);
    const tenant = await call("/api/v1/tenant", { token: body.access_token });
    expect(tenant.status).toBe(200);
    expect(await tenant.json()).toMatchObject({ tenant_id: t.tenantId, plan: "pro", status: "active" });
  });

  it("accepts the email in any case", async () => {
    const t = await seedTenant("case");
    const { res } = await login(t.adminEmail.toUpperCase());
    expect(res.status).toBe(200);
  });

  it("answers wrong password and unknown email identically", async () => {
    const t = await seedTenant("badpw");
    const wrong = await login(t.adminEmail, "not the password at all");
    const unknown = await login("nobody@example.com", PASSWORD);
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    const a = wrong.body as unknown as ErrorBody;
    const b = unknown.body as unknown as ErrorBody;
    expect(a.error.code).toBe("AUTHENTICATION_FAILED");
    expect(a.error.message).toBe(b.error.message);
  });

  it("refuses users of a suspended tenant with 403", async () => {
    const t = await seedTenant("susp", "suspended");
    const { res, body } = await login(t.adminEmail);
    expect(res.status).toBe(403);
    expect((body as unknown as ErrorBody).error.code).toBe("FORBIDDEN");
  });

  it("validates the body", async () => {
    const res = await call("/api/v1/auth/login", { method: "POST", body: { email: "not-an-email", password: "x" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.details.field).toBe("email");
  });
});

describe("access token verification", () => {
  it("refuses a tampered token (payload changed, signature kept)", async () => {
    const t = await seedTenant("tamper");
    const { body } = await login(t.adminEmail);
    const [h, p, s] = body.access_token.split(".");
    const payload = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(atob(p!.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0))),
    );
    const forged = `${h}.${b64json({ ...payload, tid: crypto.randomUUID() })}.${s}`;
    await expect401(forged, /signature/);
  });

  it("refuses an expired token", async () => {
    const t = await seedTenant("expired");
    const token = await signAccessToken(
      { userId: t.adminUserId, tenantId: t.tenantId, role: "admin" },
      env.JWT_SECRET,
      Date.now() - 901_000,
    );
    await expect401(token, /expired/);
  });

  it("refuses a token signed with another algorithm (HS512) or with alg none", async () => {
    const t = await seedTenant("alg");
    const claims = {
      iss: "edge-ml",
      aud: "edge-ml-api",
      sub: t.adminUserId,
      tid: t.tenantId,
      role: "admin",
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    await expect401(await jwt.sign(claims, env.JWT_SECRET, "HS512"));
    await expect401(`${b64json({ alg: "none", typ: "JWT" })}.${b64json(claims)}.`);
  });

  it("refuses a token signed with another secret", async () => {
    const t = await seedTenant("secret");
    const token = await signAccessToken(
      { userId: t.adminUserId, tenantId: t.tenantId, role: "admin" },
      "another-secret",
    );
    await expect401(token, /signature/);
  });

  it("refuses garbage", async () => {
    await expect401("a.b.c");
    await expect401("not-a-token");
  });
});

describe("POST /api/v1/auth/refresh", () => {
  it("rotates: returns a new access and refresh token and spends the old one", async () => {
    const t = await seedTenant("rotate");
    const { body: first } = await login(t.adminEmail);
    const res = await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: first.refresh_token } });
    expect(res.status).toBe(200);
    const second = (await res.json()) as Refreshed;
    expect(second.expires_in).toBe(900);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await call("/api/v1/tenant", { token: second.access_token })).status).toBe(200);
  });

  it("reuse of a spent token revokes the whole family", async () => {
    const t = await seedTenant("reuse");
    const { body: first } = await login(t.adminEmail);
    const r1 = await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: first.refresh_token } });
    const { refresh_token: current } = (await r1.json()) as Refreshed;

    const replay = await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: first.refresh_token } });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as ErrorBody).error.message).toMatch(/already used/);

    // The legitimate holder's newer token is revoked too.
    const after = await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: current } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as ErrorBody).error.message).toMatch(/revoked/);
  });

  it("other logins of the same user are unaffected by a family revocation", async () => {
    const t = await seedTenant("families");
    const { body: a } = await login(t.adminEmail);
    const { body: b } = await login(t.adminEmail);
    await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: a.refresh_token } });
    await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: a.refresh_token } });
    const res = await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: b.refresh_token } });
    expect(res.status).toBe(200);
  });

  it("refuses unknown tokens and logout revokes", async () => {
    const t = await seedTenant("logout");
    expect((await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: "rt_nope" } })).status).toBe(
      401,
    );
    const { body } = await login(t.adminEmail);
    const out = await call("/api/v1/auth/logout", { method: "POST", body: { refresh_token: body.refresh_token } });
    expect(out.status).toBe(204);
    const res = await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: body.refresh_token } });
    expect(res.status).toBe(401);
  });

  it("a concurrent double refresh lets exactly one win", async () => {
    const t = await seedTenant("race");
    const { body } = await login(t.adminEmail);
    const results = await Promise.all(
      [0, 1].map(() => call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: body.refresh_token } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });
});

describe("login attempt limits", () => {
  const attempt = (email: string, password: string, ip: string) =>
    call("/api/v1/auth/login", { method: "POST", body: { email, password }, headers: { "cf-connecting-ip": ip } });

  it("does not lock the owner out: after 10 wrong passwords from elsewhere, the right one from a new client passes", async () => {
    const t = await seedTenant("lockout");
    for (let i = 0; i < 10; i++)
      expect((await attempt(t.adminEmail, `guess number ${i}`, `198.18.2.${i}`)).status).toBe(401);
    // Even sent from the attacker's own IPs, ten failures more do not shut the owner out.
    for (let i = 0; i < 10; i++) await attempt(t.adminEmail, `guess again ${i}`, "198.18.3.1");
    expect((await attempt(t.adminEmail, PASSWORD, "198.18.3.200")).status).toBe(200);
  });

  it("slows a client that keeps failing on one email, exponentially, with Retry-After", async () => {
    const t = await seedTenant("backoff");
    // Five free failures for the email (from anywhere), then each failed client waits.
    for (let i = 0; i < 5; i++) expect((await attempt(t.adminEmail, `guess ${i}`, `198.18.4.${i}`)).status).toBe(401);
    expect((await attempt(t.adminEmail, "guess 5", "198.18.4.9")).status).toBe(401);
    const slowed = await attempt(t.adminEmail, PASSWORD, "198.18.4.9");
    expect(slowed.status).toBe(429);
    expect(((await slowed.json()) as ErrorBody).error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(Number(slowed.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another client that failed earlier waits too; one that never failed does not.
    expect((await attempt(t.adminEmail, PASSWORD, "198.18.4.0")).status).toBe(429);
    expect((await attempt(t.adminEmail, PASSWORD, "198.18.4.100")).status).toBe(200);
  });

  it("refuses the 11th attempt from one client on one email within a minute, even with the right password", async () => {
    const t = await seedTenant("guess");
    // Four failures (the email's backoff not yet started), then right passwords: all one client.
    for (let i = 0; i < 10; i++) {
      const res = await attempt(t.adminEmail, i < 4 ? `guess number ${i}` : PASSWORD, "198.18.1.1");
      expect(res.status).toBe(i < 4 ? 401 : 200);
    }
    const refused = await attempt(t.adminEmail, PASSWORD, "198.18.1.1");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as ErrorBody).error.code).toBe("RATE_LIMIT_EXCEEDED");
    // The same user from another client, and another user, are not refused by it.
    expect((await attempt(t.adminEmail, PASSWORD, "198.18.1.2")).status).toBe(200);
    const other = await seedTenant("guess-other");
    expect((await login(other.adminEmail)).res.status).toBe(200);
  });

  it("refuses the 31st attempt from one IP across emails", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await call("/api/v1/auth/login", {
        method: "POST",
        body: { email: `nobody-${i}@example.com`, password: "x" },
        headers: { "cf-connecting-ip": "198.18.9.9" },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});
