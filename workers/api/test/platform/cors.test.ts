import { describe, expect, it } from "vitest";
import { call, seedTenant, type ErrorBody } from "../helpers";

/**
 * Issue 14 item 6, CORS (docs/decisions.md, "CORS"): off by default; a tenant lists its
 * origins in settings.cors_allowed_origins; a preflight is answered for an origin some
 * tenant lists; an actual response names the origin only for the credential's own tenant.
 */
let n = 0;
const uniqueOrigin = () => `https://shop-${Date.now().toString(36)}-${++n}.example.com`;

function preflight(origin: string, path = "/api/v1/tenant", method = "GET") {
  return call(path, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "authorization" },
  });
}

async function allow(adminKey: string, origins: string[]) {
  const res = await call("/api/v1/tenant/settings", {
    method: "PATCH",
    token: adminKey,
    body: { cors_allowed_origins: origins },
  });
  expect(res.status).toBe(200);
  return res;
}

describe("CORS", () => {
  it("is off by default: no Access-Control-Allow-Origin, Vary: Origin, preflight refused", async () => {
    const t = await seedTenant("cors-off");
    const origin = uniqueOrigin();
    const res = await call("/api/v1/tenant", { token: t.adminKey, headers: { origin } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("vary")).toMatch(/Origin/);
    const settings = ((await res.json()) as { settings: { cors_allowed_origins: string[] } }).settings;
    expect(settings.cors_allowed_origins).toEqual([]);

    const pre = await preflight(origin);
    expect(pre.status).toBe(403);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    expect(((await pre.json()) as ErrorBody).error).toMatchObject({
      code: "FORBIDDEN",
      details: { reason: "cors_origin_not_allowed", origin },
    });
  });

  it("a listed origin: preflight answered without credentials, the tenant's responses readable", async () => {
    const t = await seedTenant("cors-on");
    const other = await seedTenant("cors-other");
    const origin = uniqueOrigin();
    const patched = await allow(t.adminKey, [origin]);
    expect(
      ((await patched.json()) as { settings: { cors_allowed_origins: string[] } }).settings.cors_allowed_origins,
    ).toEqual([origin]);

    const pre = await preflight(origin, "/api/v1/model/train", "POST"); // a rate-limited, authenticated route
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(origin);
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/Authorization/i);
    expect(pre.headers.get("access-control-allow-credentials")).toBeNull();
    expect(pre.headers.get("vary")).toMatch(/Origin/);

    const res = await call("/api/v1/tenant", { token: t.adminKey, headers: { origin } });
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("access-control-expose-headers")).toMatch(/X-RateLimit-Remaining/);
    expect(res.headers.get("vary")).toMatch(/Origin/);
    // Another origin, or another tenant's key from this origin: not readable.
    const wrongOrigin = await call("/api/v1/tenant", { token: t.adminKey, headers: { origin: uniqueOrigin() } });
    expect(wrongOrigin.headers.get("access-control-allow-origin")).toBeNull();
    const otherTenant = await call("/api/v1/tenant", { token: other.adminKey, headers: { origin } });
    expect(otherTenant.headers.get("access-control-allow-origin")).toBeNull();
    // Never a wildcard.
    for (const r of [pre, res, wrongOrigin, otherTenant])
      expect(r.headers.get("access-control-allow-origin")).not.toBe("*");

    // Emptying the list turns it off again (in this isolate at once).
    await allow(t.adminKey, []);
    expect(
      (await call("/api/v1/tenant", { token: t.adminKey, headers: { origin } })).headers.get(
        "access-control-allow-origin",
      ),
    ).toBeNull();
    expect((await preflight(origin)).status).toBe(403);
  });

  it.each([
    "*",
    "null",
    "https://*.example.com",
    "https://shop.example.com/",
    "https://shop.example.com/path",
    "http://shop.example.com",
    "shop.example.com",
    "HTTPS://SHOP.EXAMPLE.COM",
  ])("refuses %s as an allowed origin", async (origin) => {
    const t = await seedTenant("cors-bad");
    const res = await call("/api/v1/tenant/settings", {
      method: "PATCH",
      token: t.adminKey,
      body: { cors_allowed_origins: [origin] },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.details.field).toBe("cors_allowed_origins.0");
  });

  it("accepts http on localhost for development", async () => {
    const t = await seedTenant("cors-local");
    await allow(t.adminKey, ["http://localhost:5173", "https://a.example.com:8443"]);
  });
});
