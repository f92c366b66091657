import type { Page } from "playwright-core";
import { expect } from "vitest";

/** Every page of the console, in nav order (workers/api/src/console/nav.ts), with a short name for screenshots. */
export const CONSOLE_PAGES: { path: string; name: string; title: string; ready?: RegExp }[] = [
  { path: "/app", name: "overview", title: "Overview" },
  { path: "/app/keys", name: "keys", title: "API keys" },
  { path: "/app/data", name: "data", title: "Data" },
  { path: "/app/models", name: "models", title: "Models" },
  { path: "/app/experiments", name: "experiments", title: "Experiments" },
  // Opens on the latest evaluation (made by the classifier step), after a model-route read that may wait out a 429.
  { path: "/app/classifier", name: "classifier", title: "Classifier", ready: /^Confusion matrix of / },
  { path: "/app/try-it", name: "try-it", title: "Try it" },
];

/**
 * Waits until the page has no "Loading …" status left (and its `ready` text, when it names one),
 * so what is checked and screenshotted is what a person would see.
 */
export async function settled(page: Page, ready?: RegExp): Promise<void> {
  if (ready) await page.getByText(ready).first().waitFor({ timeout: 60_000 });
  await expect.poll(() => page.locator(".loading").count(), { timeout: 20_000 }).toBe(0);
}
