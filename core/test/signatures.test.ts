import { describe, expect, it } from "vitest";
import { signPayload, verifyPayload } from "../auth/signatures";

describe("HMAC signatures (callbacks, signed URLs, webhooks)", () => {
  const secret = "s3cret";
  it("verifies what it signed, within the tolerance", async () => {
    const header = await signPayload(secret, '{"a":1}', 1_000_000);
    expect(await verifyPayload(secret, '{"a":1}', header, 1_000_100)).toEqual({ ok: true, timestamp: 1_000_000 });
  });
  it("refuses a changed body, another secret, an old timestamp, a malformed or missing header", async () => {
    const header = await signPayload(secret, '{"a":1}', 1_000_000);
    expect(await verifyPayload(secret, '{"a":2}', header, 1_000_000)).toMatchObject({
      ok: false,
      reason: "signature mismatch",
    });
    expect(await verifyPayload("other", '{"a":1}', header, 1_000_000)).toMatchObject({ ok: false });
    expect(await verifyPayload(secret, '{"a":1}', header, 1_000_301)).toMatchObject({ ok: false, reason: expect.stringMatching(/tolerance/) });
    expect(await verifyPayload(secret, '{"a":1}', "t=1,v1=zz", 1)).toMatchObject({
      ok: false,
      reason: "malformed signature",
    });
    expect(await verifyPayload(secret, '{"a":1}', null, 1)).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
  });
});
