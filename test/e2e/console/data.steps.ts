import { expect, it } from "vitest";
import { sampleItems } from "../../../scripts/lib/sample-data";
import type { ConsoleHarness } from "./harness";

/** The data page: an item's embedding state, the training-data partitions, dead letters and abuse flags. */
export function register(h: () => ConsoleHarness): void {
  it("shows an item's embedding state, the training-data partitions, dead letters and abuse flags", async () => {
    const { admin, open, screenshot } = h();
    await open(admin, "/app/data");
    const partitions = admin.getByRole("table", { name: /Training-data partitions/ });
    await partitions.waitFor();
    expect(await partitions.locator("tbody tr").count()).toBeGreaterThan(0);
    await admin
      .getByText(/^Dead letters|none: every ingest message was processed/)
      .first()
      .waitFor();
    await admin
      .getByText(/^Abuse flags|none raised/)
      .first()
      .waitFor();

    const item = sampleItems()[0]!;
    await admin.getByLabel("Item id").fill(item.item_id);
    await admin.getByRole("button", { name: "Look up" }).click();
    const state = admin.getByTestId("item-state");
    await expect.poll(() => state.textContent()).toContain(`${item.item_id}: "${item.title}"`);
    expect(await state.textContent()).toMatch(/Embeddingembedded \(\d+ dimensions, /);
    await screenshot(admin, "admin-data-item");
    await admin.getByLabel("Item id").fill("no-such-item-in-the-catalogue");
    await admin.getByRole("button", { name: "Look up" }).click();
    await expect.poll(() => state.textContent()).toContain("not in the catalogue");
    expect(await state.textContent()).toContain("no embedding");
  });
}
