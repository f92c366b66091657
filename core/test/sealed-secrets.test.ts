import { describe, expect, it } from "vitest";
import { keyringFrom, openSecret, sealSecret } from "../auth/sealed-secrets";

const key = (fill: number) => btoa(String.fromCharCode(...new Uint8Array(32).fill(fill)));

describe("sealed secrets", () => {
  it("round-trips, with a fresh IV each time, and never contains the plaintext", async () => {
    const ring = await keyringFrom(key(1));
    const a = await sealSecret(ring, "whsec_abc", "webhooks.secret:w1");
    const b = await sealSecret(ring, "whsec_abc", "webhooks.secret:w1");
    expect(a).not.toBe(b);
    expect(a).not.toContain("abc");
    expect(await openSecret(ring, a, "webhooks.secret:w1")).toEqual({ secret: "whsec_abc", legacy: false });
  });

  it("rotates: new values under the first key, old ones still open; a dropped key is a clear error", async () => {
    const old = await keyringFrom(key(1));
    const sealedOld = await sealSecret(old, "s1", "x");
    const rotated = await keyringFrom(`${key(2)},${key(1)}`);
    const sealedNew = await sealSecret(rotated, "s2", "x");
    expect(sealedNew.split(".")[1]).not.toBe(sealedOld.split(".")[1]);
    expect((await openSecret(rotated, sealedOld, "x")).secret).toBe("s1");
    await expect(openSecret(old, sealedNew, "x")).rejects.toThrow(/does not hold/);
  });

  it("refuses tampering, another row's additional data, and missing or malformed keys", async () => {
    const ring = await keyringFrom(key(3));
    const sealed = await sealSecret(ring, "s", "row:1");
    await expect(openSecret(ring, sealed, "row:2")).rejects.toThrow(/does not open/);
    const flipped = sealed.slice(0, -2) + (sealed.endsWith("AA") ? "BB" : "AA");
    await expect(openSecret(ring, flipped, "row:1")).rejects.toThrow();
    await expect(keyringFrom(undefined)).rejects.toThrow(/SECRETS_KEY is not configured/);
    await expect(keyringFrom("too-short")).rejects.toThrow(/32 bytes/);
  });

  it("passes a legacy plaintext value through, flagged for re-sealing", async () => {
    expect(await openSecret(await keyringFrom(key(4)), "whsec_plain", "x")).toEqual({ secret: "whsec_plain", legacy: true });
  });
});
