import { unwrap } from "@edge-ml/client";
import { expect, it } from "vitest";
import { firstModelsDone } from "./first-models";
import type { ConsoleHarness } from "./harness";

export function register(h: () => ConsoleHarness): void {
  it("classifier: feedback stats by category and the evaluated confusion matrix as a heat map", async () => {
    await firstModelsDone(h());
    // One prediction corrected and one confirmed, so the stats have rows to show.
    const api = h().api;
    for (const [headline, type] of [
      ["Team wins the championship after a late goal", "correction"],
      ["Senate passes the budget bill", "confirmation"],
    ] as const) {
      const p = await unwrap(api.POST("/api/v1/predict", { body: { headline } }));
      await unwrap(
        api.POST("/api/v1/feedback", {
          body: {
            prediction_id: p.prediction_id,
            feedback_type: type,
            ...(type === "correction" ? { correct_category: p.category === "SPORTS" ? "POLITICS" : "SPORTS" } : {}),
          },
        }),
      );
    }

    const page = h().admin;
    await h().open(page, "/app/classifier");
    const stats = page.getByTestId("feedback-stats");
    await stats.waitFor({ timeout: 30_000 });
    const byType = stats.getByRole("table", { name: "Feedback by type" });
    expect(await byType.locator("tbody tr").count()).toBeGreaterThanOrEqual(2);
    expect(
      await stats.getByRole("table", { name: "Corrections by predicted category" }).locator("tbody tr").count(),
    ).toBe(1);

    await page.getByRole("button", { name: "Evaluate the production classifier" }).click();
    const heatmap = page.locator("table.heatmap");
    await heatmap.waitFor({ timeout: 60_000 });
    const labels = await heatmap.locator("tbody th[scope=row]").count();
    expect(labels).toBeGreaterThan(1);
    expect(await heatmap.locator("thead th[scope=col]").count()).toBe(labels + 1);
    expect(await heatmap.locator("tbody td").count()).toBe(labels * labels);
    // Shaded: some cells carry a non-zero level (the diagonal of a trained classifier).
    expect(await heatmap.locator("td.heat:not(.heat-0)").count()).toBeGreaterThan(0);
    expect(page.url()).toMatch(/\/app\/classifier\?evaluation=eval_/);
    await h().screenshot(page, "classifier");

    // Opened afresh, the page shows the latest evaluation's matrix (GET /api/v1/model/evaluate, newest first).
    await h().open(page, "/app/classifier");
    await heatmap.waitFor({ timeout: 60_000 });
    expect(await heatmap.locator("tbody th[scope=row]").count()).toBe(labels);
  }, 420_000);
}
