import { describe, expect, it } from "vitest";
import { deleteExpiredIdempotencyKeys } from "../src/housekeeping";
import { countRows, createTenant, ingestEnv } from "./helpers";

describe("scheduled housekeeping", () => {
  it("deletes idempotency keys past their 24 h window and keeps fresh ones", async () => {
    const t = await createTenant();
    const insert = ingestEnv.DB.prepare(
      "INSERT INTO idempotency_keys (tenant_id, key, route, body_hash, created_at) VALUES (?, ?, '/x', 'h', ?)",
    );
    await ingestEnv.DB.batch([
      insert.bind(t, "old", new Date(Date.now() - 25 * 3600_000).toISOString()),
      insert.bind(t, "fresh", new Date().toISOString()),
    ]);
    expect(await deleteExpiredIdempotencyKeys(ingestEnv)).toBe(1);
    expect(await countRows("SELECT count(*) AS n FROM idempotency_keys WHERE tenant_id = ?", t)).toBe(1);
  });
});
