import { describe, expect, it } from "vitest";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../auth/passwords";

describe("PBKDF2 password hashes (in workerd)", () => {
  it("verifies the right password only", async () => {
    const stored = await hashPassword("a long passphrase");
    expect(stored).toMatch(/^pbkdf2_sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword("a long passphrase", stored)).toBe(true);
    expect(await verifyPassword("a long passphrasE", stored)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("never verifies a malformed or over-limit stored hash", async () => {
    expect(await verifyPassword("x", "plaintext")).toBe(false);
    expect(await verifyPassword("x", "pbkdf2_sha256$abc$AAAA$AAAA")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$10$AAAA$AAAA")).toBe(false);
    expect(await verifyPassword("x", `pbkdf2_sha256$${PBKDF2_ITERATIONS + 1}$AAAA$AAAA`)).toBe(false);
  });

  it("stays within production Workers' PBKDF2 ceiling, which local workerd does not enforce", async () => {
    // Cloudflare refuses more than 100,000 iterations in production (workerd#1346) but the
    // open-source workerd behind wrangler and these tests accepts any count (workerd#1471),
    // so only this assertion stops a higher constant from passing locally and failing deployed.
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(100_000);
    const stored = await hashPassword("p");
    expect(Number(stored.split("$")[1])).toBe(PBKDF2_ITERATIONS);
  });
});
