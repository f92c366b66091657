import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { firstModelsDone } from "./first-models";
import type { ConsoleHarness } from "./harness";

const jobText = (page: Page, id: string) => page.getByTestId(id).textContent();

export function register(h: () => ConsoleHarness): void {
  it("models: trains a recommender from the UI, watches progress reach 100% with a loss curve, deploys a version and rolls back", async () => {
    await firstModelsDone(h());
    const page = h().admin;
    await h().open(page, "/app/models");
    await page.getByLabel("Model", { exact: true }).selectOption("recommender");
    // Every ALS setting given: no search on a validation split, so the job is a few seconds of epochs.
    // Settings the sample's search ranks well (regularization 1, alpha 1), so the curve shows learning.
    await page.getByLabel("Factors (blank: tuned)").fill("16");
    await page.getByLabel("Regularization (blank: tuned)").fill("1");
    await page.getByLabel("Alpha (blank: tuned)").fill("1");
    await page.getByLabel("Epochs (blank: the default)").fill("6");
    await page.getByRole("button", { name: "Train recommender" }).click();

    // The UI polls the job; wait until it says the job finished, then check what it shows.
    const status = page.getByTestId("job-status");
    await expect
      .poll(async () => (await status.textContent()) ?? "", { timeout: 240_000, interval: 500 })
      .toMatch(/^(completed|failed|cancelled)/);
    expect(await status.textContent()).toMatch(/^completed: epoch 6 of 6, version \S+/);
    expect(await jobText(page, "job-percent")).toBe("100%");
    const jobs = page.getByRole("table", { name: "Training jobs, newest first" });
    await expect
      .poll(() => jobs.locator("tbody tr").first().textContent(), { timeout: 30_000 })
      .toMatch(/matrix_factorizationcompleted100%/);
    expect(await page.locator("#job-progress").evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);

    // The loss curve: a drawn canvas, and its data table with one row per epoch.
    const job = page.getByTestId("training-job");
    expect(await job.locator("canvas").count()).toBe(1); // one plot, however many updates it took
    const canvas = job.locator("canvas");
    const size = await canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
    expect(size[0]).toBeGreaterThan(0);
    expect(size[1]).toBeGreaterThan(0);
    expect(await job.getByRole("img").getAttribute("aria-label")).toMatch(/^Line chart of Loss per epoch, 6 points/);
    await job.getByText("Show data").click();
    await expect.poll(() => job.locator(".chart-data tbody tr").count()).toBe(6);
    await h().screenshot(page, "models-training");

    // Deploy the new version through the confirmation dialog; the table then marks it deployed.
    const version = /version (\S+)/.exec((await status.textContent()) ?? "")![1]!;
    await page.getByRole("button", { name: `Deploy recommender ${version}` }).click();
    const dialog = page.getByRole("dialog", { name: `Deploy ${version}?` });
    await dialog.getByRole("button", { name: "Deploy" }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    const versions = page.getByRole("table", { name: "Recommender versions, newest first" });
    const row = versions.getByRole("row").filter({ hasText: version });
    await expect.poll(() => row.first().textContent(), { timeout: 60_000 }).toContain("deployed");
    await expect
      .poll(() =>
        page
          .getByRole("status")
          .filter({ hasText: `${version} is now` })
          .count(),
      )
      .toBe(1);
    await h().screenshot(page, "models-deployed");

    // Roll back through its dialog: the version deployed before is production again (and later steps are
    // served by the tuned model, not this quick one).
    const previous = /\(was (\S+)\)/.exec(
      (await page.getByRole("status").filter({ hasText: "is now" }).textContent()) ?? "",
    )?.[1];
    expect(previous).toBeTruthy();
    await page.getByRole("button", { name: "Roll back the recommender" }).click();
    await page
      .getByRole("dialog", { name: "Roll back the recommender?" })
      .getByRole("button", { name: "Roll back" })
      .click();
    const restored = versions.getByRole("row").filter({ hasText: previous! });
    await expect.poll(() => restored.first().textContent(), { timeout: 60_000 }).toContain("deployed");
    expect(await row.first().textContent()).not.toContain("deployed");
  }, 480_000);
}
