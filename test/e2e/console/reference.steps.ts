import { expect, it } from "vitest";
import type { ConsoleHarness } from "./harness";

/** The browsable API reference (/docs), on the console's stack rather than a stack of its own. */
export function register(h: () => ConsoleHarness): void {
  it("the API reference lists every operation of /openapi.json by tag and opens one to show its body and responses", async () => {
    const { stack, browser } = h();
    const doc = (await (await fetch(`${stack.base}/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${stack.base}/docs`);
    await page.waitForSelector("details.op");
    expect(await page.locator("details.op").count()).toBe(operations);
    expect(await page.locator("nav a", { hasText: "API keys" }).count()).toBe(1);

    // By its summary: another operation's description (the console's login) names this path too.
    const login = page
      .locator("details.op")
      .filter({ has: page.locator("summary", { hasText: /^POST\s*\/api\/v1\/auth\/login(?!\/)/ }) });
    await login.locator("summary").click();
    await expect
      .poll(() => login.locator("h4").allTextContents())
      .toEqual(expect.arrayContaining(["Request body (application/json)", "Responses"]));
    expect(await login.locator("pre").first().textContent()).toContain('"email"');
    expect(errors).toEqual([]);
    await page.close();
  });
}
