import { expect } from "vitest";
import type { ConsoleHarness } from "./harness";

/**
 * npm start trains its first recommender and then its first classifier after it is up, polling their status
 * under the same tenant-wide model limit the console uses. Steps that need a classifier, or that train, wait
 * for both to finish (on the stack's own log lines), so neither side's reads starve the other and a trigger
 * is not refused with 409 (one job per kind at a time).
 */
export async function firstModelsDone(h: ConsoleHarness): Promise<void> {
  const deadline = Date.now() + 300_000;
  const done = () =>
    /first model .*(deployed|not trained|failed|cancelled|answered)/.test(h.stack.output()) &&
    /first classifier .*(deployed|not trained|failed|cancelled|answered|still training)/.test(h.stack.output());
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  expect(done(), "npm start's first models finished").toBe(true);
}
