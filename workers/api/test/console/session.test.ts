import { describe, expect, it } from "vitest";
import { call, login, PASSWORD, seedTenant, type ErrorBody } from "../helpers";
import { CSRF, ORIGIN, sessionCall, setCookie } from "./console-session";

async function consoleLogin(email: string, password = PASSWORD) {
  const res = await sessionCall("/console/session", { body: { email, password } });
  return { res, body: (await res.json()) as Record<string, unknown>, cookie: setCookie(res, "edgeml_refresh") };
}

describe("console session: POST /console/session", () => {
  it("answers the access token and the user, and sets the refresh token in an HttpOnly, Secure, SameSite=Strict cookie on the session path", async () => {
    const t = await seedTenant("console-login");
    const { res, body, cookie } = await consoleLogin(t.adminEmail);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 900, user: { email: t.adminEmail, role: "admin" } });
    // The refresh token never reaches the script: only the cookie carries it.
    expect(body).not.toHaveProperty("refresh_token");
    expect(cookie?.value).toMatch(/.{20,}/);
    expect(cookie?.attrs).toMatchObject({ httponly: "", secure: "", samesite: "Strict", path: "/console/session" });
    expect(Number(cookie?.attrs["max-age"])).toBe(30 * 24 * 3600);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const tenant = await call("/api/v1/tenant", { token: String(body.access_token) });
    expect(tenant.status).toBe(200);
  });

  it("answers a wrong password and an unknown email exactly as POST /api/v1/auth/login does", async () => {
    const t = await seedTenant("console-badlogin");
    const api = await login(t.adminEmail, "wrong password");
    const wrong = await consoleLogin(t.adminEmail, "wrong password");
    const unknown = await consoleLogin(`nobody-${t.tenantId}@example.com`, "wrong password");
    const apiError = (api.body as unknown as ErrorBody).error;
    for (const r of [wrong, unknown]) {
      expect(r.res.status).toBe(api.res.status);
      expect(r.res.status).toBe(401);
      const error = (r.body as unknown as ErrorBody).error;
      expect({ code: error.code, message: error.message }).toEqual({ code: apiError.code, message: apiError.message });
      expect(r.cookie).toBeUndefined();
    }
  });

  it("validates the body with the contract's envelope", async () => {
    const res = await sessionCall("/console/session", { body: { email: "not-an-email" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe("VALIDATION_ERROR");
  });
});

describe("console session: CSRF", () => {
  const crossSite: [string, Parameters<typeof sessionCall>[1]][] = [
    ["another Origin", { headers: { origin: "https://evil.example" } }],
    ["no Origin", { headers: { origin: "" } }],
    ["Sec-Fetch-Site: cross-site", { headers: { "sec-fetch-site": "cross-site" } }],
    ["no X-CSRF-Token header", { headers: { "x-csrf-token": "" } }],
    ["an X-CSRF-Token that is not the cookie's", { headers: { "x-csrf-token": `${CSRF}x` } }],
    ["no CSRF cookie", { cookies: { edgeml_csrf: "" } }],
  ];

  it.each(crossSite)(
    "refuses login, refresh and logout with %s: 403 in the contract's envelope, no cookie set",
    async (_, opts) => {
      const t = await seedTenant("console-csrf");
      const good = await consoleLogin(t.adminEmail);
      const refresh = good.cookie!.value;
      for (const path of ["/console/session", "/console/session/refresh", "/console/session/logout"]) {
        const res = await sessionCall(path, {
          ...opts,
          body: path === "/console/session" ? { email: t.adminEmail, password: PASSWORD } : undefined,
          cookies: { edgeml_refresh: refresh, ...opts?.cookies },
        });
        expect(res.status, path).toBe(403);
        const body = (await res.json()) as ErrorBody;
        expect(body.error.code).toBe("FORBIDDEN");
        expect(body.error.message).toMatch(/Cross-site request refused/);
        expect(body.error.request_id).toBeTruthy();
        expect(res.headers.getSetCookie()).toEqual([]);
      }
      // The refused logout revoked nothing: the session still refreshes.
      expect((await sessionCall("/console/session/refresh", { cookies: { edgeml_refresh: refresh } })).status).toBe(
        200,
      );
    },
  );
});

describe("console session: refresh and logout", () => {
  it("rotates the cookie on refresh; the old one is refused afterwards (and revokes the login)", async () => {
    const t = await seedTenant("console-refresh");
    const first = (await consoleLogin(t.adminEmail)).cookie!.value;
    const res = await sessionCall("/console/session/refresh", { cookies: { edgeml_refresh: first } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; user: { role: string } };
    expect(body.user.role).toBe("admin");
    expect((await call("/api/v1/tenant", { token: body.access_token })).status).toBe(200);
    const second = setCookie(res, "edgeml_refresh");
    expect(second?.attrs).toMatchObject({ httponly: "", secure: "", samesite: "Strict", path: "/console/session" });
    expect(second!.value).not.toBe(first);

    const replayed = await sessionCall("/console/session/refresh", { cookies: { edgeml_refresh: first } });
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as ErrorBody).error.code).toBe("AUTHENTICATION_FAILED");
    expect(setCookie(replayed, "edgeml_refresh")?.attrs["max-age"]).toBe("0");
    // Reuse of a spent token revokes the whole login: the rotated cookie is dead too.
    expect((await sessionCall("/console/session/refresh", { cookies: { edgeml_refresh: second!.value } })).status).toBe(
      401,
    );
  });

  it("answers 401 without a session cookie", async () => {
    const res = await sessionCall("/console/session/refresh");
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error.code).toBe("AUTHENTICATION_FAILED");
  });

  it("logout revokes the login and clears the cookie", async () => {
    const t = await seedTenant("console-logout");
    const refresh = (await consoleLogin(t.adminEmail)).cookie!.value;
    const res = await sessionCall("/console/session/logout", { cookies: { edgeml_refresh: refresh } });
    expect(res.status).toBe(204);
    const cleared = setCookie(res, "edgeml_refresh");
    expect(cleared?.value).toBe("");
    expect(cleared?.attrs).toMatchObject({ "max-age": "0", path: "/console/session", httponly: "", secure: "" });
    expect((await sessionCall("/console/session/refresh", { cookies: { edgeml_refresh: refresh } })).status).toBe(401);
  });

  it("cookies cannot authenticate the API: a refresh cookie on an API route is no credential", async () => {
    const t = await seedTenant("console-nocookieauth");
    const refresh = (await consoleLogin(t.adminEmail)).cookie!.value;
    const res = await call("/api/v1/tenant", { headers: { origin: ORIGIN, cookie: `edgeml_refresh=${refresh}` } });
    expect(res.status).toBe(401);
  });
});
