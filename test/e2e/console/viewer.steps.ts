import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import type { ConsoleHarness } from "./harness";
import { CONSOLE_PAGES, settled } from "./pages";

/**
 * What changes state, by the words its control shows (buttons, submit inputs, links styled as
 * buttons). Read-only controls (Log out, Look up, Search, Recommend, Predict, Open, Copy, Show
 * data) do not match.
 */
const CHANGES_STATE =
  /\b(create|revoke|deploy|roll ?back|train|retrain|replay|delete|remove|cancel|stop|save|update|edit|invite|upload|evaluate|start|launch|promote|add|feedback|label)\b/i;

async function visibleControls(page: Page): Promise<string[]> {
  return page
    .locator(
      "button:visible, input[type=submit]:visible, input[type=button]:visible, [role=button]:visible, select:visible",
    )
    .evaluateAll((els) =>
      els.map(
        (e) =>
          `${e.tagName.toLowerCase()} "${(e.getAttribute("aria-label") || e.textContent || (e as HTMLInputElement).value || "").trim()}"`,
      ),
    );
}

/** A viewer sees every page and no control that changes state on any of them. */
export function register(h: () => ConsoleHarness): void {
  it("a viewer sees every page but no control that changes state", async () => {
    const { login, open, screenshot } = h();
    const viewer = await login("viewer");
    await expect.poll(() => viewer.locator(".whoami").textContent()).toContain("(viewer)");
    expect(await viewer.getByRole("navigation", { name: "Console" }).getByRole("link").allTextContents()).toEqual(
      CONSOLE_PAGES.map((p) => p.title),
    );
    const offending: string[] = [];
    for (const p of CONSOLE_PAGES) {
      await open(viewer, p.path);
      // Not waiting for a page's `ready` text: its controls are there before its slower reads end.
      await settled(viewer);
      const controls = await visibleControls(viewer);
      offending.push(...controls.filter((c) => CHANGES_STATE.test(c)).map((c) => `${p.path}: ${c}`));
      await screenshot(viewer, `viewer-${p.name}`);
    }
    expect(offending).toEqual([]);
    // The keys page says why it is empty instead of failing: only admins may list keys.
    await open(viewer, "/app/keys");
    await viewer.getByText("Only a tenant admin can see and manage API keys.").waitFor();
    await viewer.context().close();
  });
}
