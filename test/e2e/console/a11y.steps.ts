import { expect, it } from "vitest";
import type { ConsoleHarness, Violation } from "./harness";
import { CONSOLE_PAGES, settled } from "./pages";

/** axe-core on every page (and the login view), a screenshot of each, keyboard entry, and no script or CSP error anywhere. */
export function register(h: () => ConsoleHarness): void {
  it("axe finds no serious or critical violation on any page; every page is screenshotted", async () => {
    const { admin, browser, stack, open, axe, screenshot } = h();
    const found: Record<string, Violation[]> = {};

    const anonymous = await browser.newPage();
    await anonymous.goto(`${stack.base}/app`);
    await anonymous.getByRole("heading", { name: "Log in to the edge-ml console" }).waitFor();
    found["login"] = await axe(anonymous);
    await screenshot(anonymous, "login");
    await anonymous.close();

    // Pages that wait on a model-route read go first, before the others' visits spend that budget.
    for (const p of [...CONSOLE_PAGES.filter((p) => p.ready), ...CONSOLE_PAGES.filter((p) => !p.ready)]) {
      await open(admin, p.path);
      await settled(admin, p.ready);
      found[p.path] = await axe(admin);
      await screenshot(admin, `admin-${p.name}`);
    }
    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
  });

  it("is keyboard usable: the first Tab reaches the skip link, which moves focus to the main content", async () => {
    const { admin, open } = h();
    await open(admin, "/app/keys");
    await admin.keyboard.press("Tab");
    expect(await admin.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await admin.keyboard.press("Enter");
    expect(await admin.evaluate(() => document.activeElement?.id)).toBe("root");
    // Nav links are reachable and followable with the keyboard.
    await admin.getByRole("link", { name: "Data" }).focus();
    await admin.keyboard.press("Enter");
    await admin.getByRole("heading", { level: 1, name: "Data" }).waitFor();
  });
}

/** Registered last, after every step that opened a page. */
export function registerLast(h: () => ConsoleHarness): void {
  it("no page raised a script error or a Content-Security-Policy refusal", () => {
    expect(h().problems).toEqual([]);
  });
}
