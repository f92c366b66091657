import { expect, it } from "vitest";
import type { ConsoleHarness } from "./harness";

/** Logging in (the harness's admin page logged in through the form) and the overview. */
export function register(h: () => ConsoleHarness): void {
  it("logs in with the admin's email and password: the refresh token only in an HttpOnly cookie, no token in web storage, a reload keeps the session", async () => {
    const { admin, stack, open } = h();
    await open(admin, "/app");
    await expect
      .poll(() => admin.locator(".whoami").textContent())
      .toContain(`${stack.credentials.admin_email} (admin)`);
    const cookies = await admin.context().cookies();
    const refresh = cookies.find((c) => c.name === "edgeml_refresh");
    expect(refresh).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/console/session" });
    // The script can read the CSRF cookie only: the refresh token is not in document.cookie.
    const seen = await admin.evaluate(() => ({
      cookie: document.cookie,
      storage: localStorage.length + sessionStorage.length,
    }));
    expect(seen.cookie).toMatch(/edgeml_csrf=/);
    expect(seen.cookie).not.toContain("edgeml_refresh");
    expect(seen.cookie).not.toContain(refresh!.value);
    expect(seen.storage).toBe(0);

    await admin.reload();
    await admin.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
    // The reload spent the cookie's token for a new one (rotation).
    const rotated = (await admin.context().cookies()).find((c) => c.name === "edgeml_refresh");
    expect(rotated!.value).not.toBe(refresh!.value);
  });

  it("a wrong password shows the API's answer and logs nobody in", async () => {
    const { browser, stack } = h();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe("/app");
    await page.getByLabel("Email").fill(stack.credentials.admin_email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Invalid email or password");
    expect((await context.cookies()).map((c) => c.name)).not.toContain("edgeml_refresh");
    await context.close();
  });

  it("the overview plots calls, recommendations and latency per day, with the quota bar and the models in production", async () => {
    const { admin, open } = h();
    await open(admin, "/app");
    for (const title of ["API calls per day", "Recommendations served per day", "Average latency per day"]) {
      await admin.locator("figcaption", { hasText: title }).waitFor();
    }
    // One plot per chart (uPlot draws its canvases inside one .uplot root each).
    await expect.poll(() => admin.locator(".uplot").count()).toBe(3);
    const quota = admin.getByLabel(/Monthly API calls \(enterprise plan\)/);
    expect(Number(await quota.getAttribute("value"))).toBeGreaterThan(0);
    const models = admin.getByRole("table", { name: "Current models" });
    // The contract allows a few /api/v1/model/* calls a minute per tenant: the page waits out a 429's Retry-After.
    await expect
      .poll(() => models.locator("tbody tr").allTextContents(), { timeout: 100_000 })
      .toEqual(expect.arrayContaining([expect.stringMatching(/^recommender/), expect.stringMatching(/^classifier/)]));
  });
}
