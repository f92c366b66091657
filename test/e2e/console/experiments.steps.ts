import { unwrap } from "@edge-ml/client";
import { expect, it } from "vitest";
import type { ConsoleHarness } from "./harness";

// 42 users: enough for the SRM check (20 expected per variant), within the per-IP recommend burst (75).
const USERS = 42;

export function register(h: () => ConsoleHarness): void {
  it("experiments: opens an experiment's results with per-variant intervals, the SRM check and the verdict", async () => {
    const api = h().api;
    const created = await unwrap(
      api.POST("/experiments", {
        body: {
          name: "Console results check",
          traffic_split: { control: 0.5, treatment: 0.5 },
          variants: {
            control: { config: { ranking_weights: [0.4, 0.3, 0.2, 0.1] } },
            treatment: { config: { ranking_weights: [0.2, 0.2, 0.5, 0.1] } },
          },
          metrics: ["ctr"],
          surfaces: ["recommend"],
          namespace: "default",
          coverage: 1,
        },
      }),
    );
    // A little traffic: each recommendation exposes its user to their variant.
    for (let u = 0; u < USERS; u++) {
      await unwrap(
        api.GET("/recommend/{user_id}", { params: { path: { user_id: `console-exp-${u}` }, query: { k: 3 } } }),
      );
    }

    const page = h().admin;
    await h().open(page, "/app/experiments");
    await page
      .getByRole("table", { name: "Experiments, newest first" })
      .getByRole("link", { name: "Console results check" })
      .click();
    const results = page.getByTestId("experiment-results");
    await results.waitFor({ timeout: 30_000 });
    expect(await results.getByRole("heading", { level: 2 }).textContent()).toBe("Console results check");
    expect(page.url()).toContain(`/app/experiments?id=${created.experiment_id}`);

    const perVariant = results.getByRole("table", { name: "ctr per variant (95% intervals)" });
    for (const variant of ["control (control)", "treatment"]) {
      const row = perVariant.getByRole("row").filter({ has: page.getByRole("cell", { name: variant, exact: true }) });
      expect(await row.count()).toBe(1);
      expect(await row.textContent()).toMatch(/-?\d+\.\d+% to -?\d+\.\d+%/);
    }
    const users = await perVariant.locator("tbody tr td:nth-child(2)").allTextContents();
    expect(users.map(Number).reduce((a, b) => a + b, 0)).toBe(USERS);
    expect(
      await results.getByRole("table", { name: "ctr: each variant against control" }).locator("tbody tr").count(),
    ).toBe(1);
    expect(await results.getByTestId("srm").textContent()).toMatch(
      /Sample ratio check(No mismatch|Mismatch): chi-square \d/,
    );
    expect(await results.getByTestId("verdict").textContent()).toMatch(
      /Verdict(Roll out the winner|Keep control|Keep running: no decision yet)/,
    );
    await expect.poll(() => page.getByRole("heading", { name: "Shadow reports" }).count()).toBe(1);
    await h().screenshot(page, "experiments-results");
  });
}
