import type { Page } from "playwright-core";
import { expect } from "vitest";

/** Every page of the console, in nav order (workers/api/src/console/nav.ts), with a short name for screenshots. */
export const CONSOLE_PAGES = [
  { path: "/app", name: "overview", title: "Overview" },
  { path: "/app/keys", name: "keys", title: "API keys" },
  { path: "/app/data", name: "data", title: "Data" },
  { path: "/app/models", name: "models", title: "Models" },
  { path: "/app/experiments", name: "experiments", title: "Experiments" },
  { path: "/app/classifier", name: "classifier", title: "Classifier" },
  { path: "/app/try-it", name: "try-it", title: "Try it" },
];

/** Waits until the page has no "Loading …" status left, so what is checked is what a person would see. */
export async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.locator(".loading").count(), { timeout: 20_000 }).toBe(0);
}
