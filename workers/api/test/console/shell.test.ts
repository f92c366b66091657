import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, type ErrorBody } from "../helpers";
import { setCookie } from "./console-session";

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

describe("console shell", () => {
  it.each(["/", "/dashboard"])("%s redirects to /app", async (path) => {
    // Not call(): its fetch follows redirects.
    const res = await exports.default.fetch(`https://api.edge-ml.test${path}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/app");
  });

  it.each(["/app", "/app/keys", "/app/models", "/app/try-it"])(
    "%s serves the HTML shell with the console's CSP and a CSRF cookie the script can read",
    async (path) => {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("content-security-policy")).toBe(CSP);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      const html = await res.text();
      expect(html).toMatch(/<html lang="en">/);
      expect(html).toContain('<a class="skip-link" href="#root">');
      expect(html).toContain('<main id="root"');
      expect(html).toContain(`<a href="${path}" aria-current="page">`);
      // No inline script or style: the CSP allows only the bundle's own files.
      expect(html).not.toMatch(/<script>|<style>|style="/);
      expect(html).toMatch(/<script type="module" src="\/app\/assets\/console\.[0-9a-f]{12}\.js"><\/script>/);
      const csrf = setCookie(res, "edgeml_csrf");
      expect(csrf?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(csrf?.attrs).toMatchObject({ secure: "", samesite: "Strict", path: "/" });
      expect(csrf?.attrs).not.toHaveProperty("httponly");
    },
  );

  it("keeps an existing CSRF cookie", async () => {
    const res = await call("/app", { headers: { cookie: "edgeml_csrf=already-set" } });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("serves the script and the stylesheet under hashed names, cached as immutable; unknown files are 404 envelopes", async () => {
    const html = await (await call("/app")).text();
    const files = [...html.matchAll(/\/app\/assets\/(console\.[0-9a-f]{12}\.(?:js|css))/g)].map((m) => m[1]!);
    expect(files.map((f) => f.split(".").pop()).sort()).toEqual(["css", "js"]);
    for (const f of files) {
      const res = await call(`/app/assets/${f}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(
        f.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
      );
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect((await res.text()).length).toBeGreaterThan(1000);
    }
    const missing = await call("/app/assets/console.000000000000.js");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
  });
});
