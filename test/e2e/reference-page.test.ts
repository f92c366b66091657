import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../scripts/lib/stack";

/**
 * The browsable API reference as a person sees it: Debian's Chromium (installed by .ci/run)
 * opens /docs on the running platform.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack(18807, { EDGE_ML_SAMPLE_DATA: "0" });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("API reference page in a browser", () => {
  it("lists every operation of /openapi.json by tag and opens one to show its body and responses", async () => {
    const doc = (await (await fetch(`${stack.base}/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${stack.base}/docs`);
    await page.waitForSelector("details.op");
    expect(await page.locator("details.op").count()).toBe(operations);
    expect(await page.locator("nav a", { hasText: "API keys" }).count()).toBe(1);

    const login = page.locator("details.op", { hasText: "/api/v1/auth/login" });
    await login.locator("summary").click();
    await expect
      .poll(() => login.locator("h4").allTextContents())
      .toEqual(expect.arrayContaining(["Request body (application/json)", "Responses"]));
    expect(await login.locator("pre").first().textContent()).toContain('"email"');
    expect(errors).toEqual([]);
  });
});
