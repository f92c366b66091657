import { expect, it } from "vitest";
import type { ConsoleHarness } from "./harness";

let secret = "";
let prefix = "";
const NAME = "console e2e key";

/** API keys: the secret once, then only its prefix; revoke behind a confirmation. */
export function register(h: () => ConsoleHarness): void {
  it("creates a key: the secret is shown once with a copy button, then only its prefix", async () => {
    const { admin, open, stack, screenshot } = h();
    await open(admin, "/app/keys");
    await admin.getByLabel("Name").fill(NAME);
    await admin.getByRole("button", { name: "Create key" }).click();
    const shown = admin.getByTestId("new-secret");
    await shown.waitFor();
    secret = (await shown.textContent())!;
    expect(secret).toMatch(/^sk_live_[A-Za-z0-9_-]{20,}$/);
    await admin.getByRole("button", { name: "Copy the new key's secret" }).waitFor();
    // The secret works: a read with it succeeds.
    expect(
      (await fetch(`${stack.base}/api/v1/tenant`, { headers: { authorization: `Bearer ${secret}` } })).status,
    ).toBe(200);
    await screenshot(admin, "admin-keys-secret-once");

    await admin.getByRole("button", { name: "Done, I have copied it" }).click();
    const row = admin.getByRole("row", { name: new RegExp(NAME) });
    await row.waitFor();
    prefix = (await row.locator("code").textContent())!.replace(/…$/, "");
    expect(secret.startsWith(prefix)).toBe(true);
    expect(prefix.length).toBeLessThan(secret.length);
    expect(await admin.content()).not.toContain(secret);
    await admin.reload();
    await admin.getByRole("row", { name: new RegExp(NAME) }).waitFor();
    expect(await admin.content()).not.toContain(secret);
  });

  it("revokes it after a confirmation (Cancel keeps it); the secret stops working", async () => {
    const { admin, stack } = h();
    const row = admin.getByRole("row", { name: new RegExp(NAME) });
    const revoke = row.getByRole("button", { name: /^Revoke key/ });
    await revoke.click();
    const dialog = admin.getByRole("dialog", { name: "Revoke this key?" });
    await dialog.waitFor();
    // Focus starts on the safe choice.
    expect(await admin.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await row.textContent()).toContain("active");

    await revoke.click();
    await admin.getByRole("dialog", { name: "Revoke this key?" }).getByRole("button", { name: "Revoke key" }).click();
    await expect.poll(() => row.textContent()).toContain("revoked");
    expect(await row.getByRole("button").count()).toBe(0);
    expect(
      (await fetch(`${stack.base}/api/v1/tenant`, { headers: { authorization: `Bearer ${secret}` } })).status,
    ).toBe(401);
  });
}
