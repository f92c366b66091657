import type { Locator } from "playwright-core";
import { expect, it } from "vitest";
import { firstModelsDone } from "./first-models";
import type { ConsoleHarness } from "./harness";

// Fills a panel's one field, runs it, and checks the items it lists: titles are what the tenant recognises,
// so each must show one (include=item), not the fallback.
async function expectTitledItems(panel: Locator, field: string, value: string, button: string): Promise<void> {
  await panel.getByLabel(field).fill(value);
  await panel.getByRole("button", { name: button }).click();
  const list = panel.getByTestId("try-it-items");
  await list.waitFor({ timeout: 30_000 });
  const titles = await list.locator(".item-title").allTextContents();
  expect(titles.length).toBeGreaterThan(0);
  for (const t of titles) expect(t).not.toBe("(no title)");
}

export function register(h: () => ConsoleHarness): void {
  it("try it: search, recommend and predict from the UI show titled items and a category", async () => {
    await firstModelsDone(h()); // predict needs the first classifier
    const page = h().admin;
    await h().open(page, "/app/try-it");

    await expectTitledItems(page.getByTestId("try-search"), "Query", "bag", "Search");
    await expectTitledItems(page.getByTestId("try-recommend"), "User id", "demo-user-1", "Recommend");

    const predict = page.getByTestId("try-predict");
    await predict.getByLabel("Headline").fill("Stocks rally as the central bank cuts interest rates");
    await predict.getByRole("button", { name: "Predict" }).click();
    const prediction = predict.getByTestId("prediction");
    await prediction.waitFor({ timeout: 30_000 });
    expect((await prediction.locator("strong").textContent())?.trim()).toMatch(/^[A-Z][A-Z &-]+$/);
    expect(await prediction.getByRole("listitem").count()).toBeGreaterThan(0);
    await h().screenshot(page, "try-it");
  }, 420_000);
}
