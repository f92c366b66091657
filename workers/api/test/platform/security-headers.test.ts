import { describe, expect, it } from "vitest";
import { call, login, seedTenant } from "../helpers";

/** Issue 14 item 6: the headers every response carries, and no-store where a secret travels. */
function expectSecurityHeaders(res: Response) {
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
  expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
}

describe("security headers", () => {
  it("are on successes, errors, 404s, 405s and the health routes", async () => {
    const t = await seedTenant("sec-headers");
    const responses = [
      await call("/health"),
      await call("/openapi.json"),
      await call("/api/v1/tenant", { token: t.adminKey }),
      await call("/api/v1/tenant"), // 401
      await call("/no/such/route"), // 404
      await call("/api/v1/tenant", { method: "DELETE", token: t.adminKey }), // 405
      await call("/api/v1/usage?start_date=2026-13-01", { token: t.adminKey }), // 400
    ];
    for (const res of responses) {
      expectSecurityHeaders(res);
      expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
    }
  });

  it("the /docs page has a strict, hash-based CSP that allows only its own inline script and style", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(csp).toContain("connect-src 'self'");
    // The hash is the page's own script.
    const html = await res.text();
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(script)));
    expect(csp).toContain(`'sha256-${btoa(String.fromCharCode(...digest))}'`);
  });
});

describe("Cache-Control: no-store where a token, key or secret is returned", () => {
  it("login, refresh, API key creation (both paths), webhook creation", async () => {
    const t = await seedTenant("no-store", "active", "enterprise");
    const { res: loginRes, body } = await login(t.adminEmail);
    expect(loginRes.status).toBe(200);
    const refresh = await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: body.refresh_token } });
    expect(refresh.status).toBe(200);
    const keyA = await call("/api/v1/api-keys", {
      method: "POST",
      token: t.adminKey,
      body: { name: "a", permissions: ["read"] },
    });
    const keyB = await call("/auth/api-keys", { method: "POST", token: t.adminKey, body: { name: "b" } });
    const hook = await call("/api/v1/webhooks", {
      method: "POST",
      token: t.adminKey,
      body: { url: "https://hooks.example.com/edge-ml", events: ["training.completed"] },
    });
    for (const res of [loginRes, refresh, keyA, keyB, hook]) {
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    // And by default everywhere else, errors included (a 401 to a bad refresh token, too).
    const bad = await call("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: "x" } });
    expect(bad.headers.get("cache-control")).toBe("no-store");
  });
});
