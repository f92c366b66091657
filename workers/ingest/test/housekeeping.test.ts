import { describe, expect, it } from "vitest";
import { STORED_LIST_MAX_AGE_MS } from "@edge-ml/core/schemas";
import { deleteExpiredIdempotencyKeys, deleteExpiredLists } from "../src/housekeeping";
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

  it("deletes stored recommendation lists too old to be served and keeps the others", async () => {
    const t = await createTenant();
    const insert = ingestEnv.DB.prepare(
      `INSERT INTO recommendation_lists (tenant_id, user_id, list_key, history_stamp, items, computed_at)
       VALUES (?, ?, 'k', 's', '{"complete":true,"items":[]}', ?)`,
    );
    const now = Date.now();
    await ingestEnv.DB.batch([
      insert.bind(t, "expired", now - STORED_LIST_MAX_AGE_MS - 1000),
      insert.bind(t, "servable", now - 1000),
    ]);
    expect(await deleteExpiredLists(ingestEnv, now)).toBe(1);
    const left = await ingestEnv.DB.prepare("SELECT user_id FROM recommendation_lists WHERE tenant_id = ?")
      .bind(t)
      .all<{ user_id: string }>();
    expect(left.results.map((r) => r.user_id)).toEqual(["servable"]);
  });
});
