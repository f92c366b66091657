import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { BulkResult, InteractionAccepted, V1CreatedApiKey } from "@edge-ml/core/schemas";
import { call, seedTenant, type ErrorBody } from "../helpers";
import { catalogRows, count, event, listParts, readCatalog, waitFor } from "./ingest-helpers";

// The response types are the api's own schemas (core/schemas/ingest.ts, api-keys.ts), never copies.
type Bulk = z.infer<typeof BulkResult>;
type Accepted = z.infer<typeof InteractionAccepted>;
type CreatedKey = z.infer<typeof V1CreatedApiKey>;

async function bulk(token: string, tenantId: string, interactions: unknown[], headers: Record<string, string> = {}) {
  const res = await call("/internal/data/interactions", {
    method: "POST",
    token,
    body: { tenant_id: tenantId, interactions },
    headers,
  });
  return { res, body: (await res.json()) as Bulk };
}

describe("bulk interactions: API -> queue -> ingest worker -> D1 and Parquet", () => {
  it("accepts the good rows of a mixed batch, reports each bad one, and stores the good ones once", async () => {
    const t = await seedTenant("bulk");
    const future = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
    const rows = [
      event(0),
      event(1, { interaction_type: "purchase" }),
      event(2, { user_id: "bad id!" }),
      event(3, { item_id: "x".repeat(129) }),
      event(4, { interaction_type: "share" }),
      event(5, { timestamp: "not a date" }),
      event(6, { timestamp: future }),
      event(7, { timestamp: "2026-11-20T10:00:00+02:00" }),
      { item_id: "item_1", interaction_type: "view" },
      event(9, { interaction_type: "add_to_cart", timestamp: undefined }),
      "not an object",
    ];
    const { res, body } = await bulk(t.adminKey, t.tenantId, rows);
    expect(res.status).toBe(202);
    expect(body.accepted).toBe(3);
    expect(body.rejected).toBe(8);
    expect(body.validation_errors.map((e) => [e.index, e.field])).toEqual([
      [2, "user_id"],
      [3, "item_id"],
      [4, "interaction_type"],
      [5, "timestamp"],
      [6, "timestamp"],
      [7, "timestamp"],
      [8, "user_id"],
      [10, undefined],
    ]);
    expect(body.validation_errors[0]).toMatchObject({
      user_id: "bad id!",
      error: expect.stringContaining("letters, digits"),
    });
    expect(body.validation_errors[4]!.error).toMatch(/future/);

    await waitFor(
      () => count("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", t.tenantId),
      (n) => n === 3,
    );
    expect(await count("SELECT sum(events) AS n FROM item_popularity WHERE tenant_id = ?", t.tenantId)).toBe(3);
    const catalog = await waitFor(
      () => readCatalog(t.tenantId),
      (c) => catalogRows(c) === 3,
    );
    const parts = await listParts(t.tenantId);
    expect(parts.reduce((n, p) => n + p.rows, 0)).toBe(3);
    // catalog.json agrees with the objects in R2, byte for byte and row for row.
    const listed = Object.fromEntries(parts.map((p) => [p.key, p]));
    for (const partition of catalog!.partitions) {
      expect(partition.size_bytes).toBe(partition.files.reduce((n, f) => n + f.size_bytes, 0));
      for (const f of partition.files)
        expect([listed[f.key]?.size, listed[f.key]?.rows]).toEqual([f.size_bytes, f.row_count]);
    }
    expect(catalog!.partitions.map((p) => p.date)).toContain("2026-11-20");
    expect(catalog).toMatchObject({ tenant_id: t.tenantId, schema_version: "1.0" });
  });

  it("refuses another tenant's tenant_id with 403 and queues nothing", async () => {
    const a = await seedTenant("tenant-a");
    const b = await seedTenant("tenant-b");
    const { res } = await bulk(a.adminKey, b.tenantId, [event(1)]);
    expect(res.status).toBe(403);
    expect(((await res.json().catch(() => ({}))) as ErrorBody).error?.details?.field ?? "tenant_id").toBe("tenant_id");
    await new Promise((r) => setTimeout(r, 500));
    expect(await count("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", b.tenantId)).toBe(0);
  });

  it("an Idempotency-Key replays the first response and stores the rows once", async () => {
    const t = await seedTenant("idem");
    const rows = Array.from({ length: 25 }, (_, i) => event(i));
    const headers = { "idempotency-key": "upload-2026-11-27-001" };
    const first = await bulk(t.adminKey, t.tenantId, rows, headers);
    const second = await bulk(t.adminKey, t.tenantId, rows, headers);
    expect(second.res.headers.get("idempotency-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    await waitFor(
      () => count("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", t.tenantId),
      (n) => n >= 25,
    );
    await new Promise((r) => setTimeout(r, 700));
    expect(await count("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", t.tenantId)).toBe(25);
    expect(
      catalogRows(
        await waitFor(
          () => readCatalog(t.tenantId),
          (c) => catalogRows(c) >= 25,
        ),
      ),
    ).toBe(25);

    const reused = await bulk(t.adminKey, t.tenantId, [event(99)], headers);
    expect(reused.res.status).toBe(409);
  });
});

describe("bulk request limits and bad bodies", () => {
  it("413 for more rows than the limit, and for a body over 10 MiB", async () => {
    const t = await seedTenant("limits");
    const many = await bulk(
      t.adminKey,
      t.tenantId,
      Array.from({ length: 10_001 }, () => 1),
    );
    expect(many.res.status).toBe(413);
    expect((many.body as unknown as ErrorBody).error.details).toMatchObject({ max_rows: 10_000 });
    const huge = await call("/internal/data/interactions", {
      method: "POST",
      token: t.adminKey,
      rawBody: JSON.stringify({ tenant_id: t.tenantId, interactions: [{ pad: "x".repeat(10 * 1024 * 1024) }] }),
      headers: { "content-type": "application/json" },
    });
    expect(huge.status).toBe(413);
  });

  it("a bulk body between 1 and 10 MiB is accepted on bulk routes only", async () => {
    const t = await seedTenant("midsize");
    const rows = Array.from({ length: 9000 }, (_, i) => event(i, { metadata: { note: "y".repeat(120) } }));
    const { res, body } = await bulk(t.adminKey, t.tenantId, rows);
    expect(res.status).toBe(202);
    expect(body.accepted).toBe(9000);
  });

  it("400 for an empty or malformed body, 415 for another content type", async () => {
    const t = await seedTenant("badbody");
    const empty = await call("/internal/data/interactions", {
      method: "POST",
      token: t.adminKey,
      rawBody: "",
      headers: { "content-type": "application/json" },
    });
    expect(empty.status).toBe(400);
    const notArray = await bulk(t.adminKey, t.tenantId, "nope" as unknown as unknown[]);
    expect(notArray.res.status).toBe(400);
    expect((notArray.body as unknown as ErrorBody).error.details.field).toBe("interactions");
    const noRows = await bulk(t.adminKey, t.tenantId, []);
    expect(noRows.res.status).toBe(400);
    const csv = await call("/internal/data/interactions", {
      method: "POST",
      token: t.adminKey,
      rawBody: "a,b",
      headers: { "content-type": "text/csv" },
    });
    expect(csv.status).toBe(415);
  });

  it("a read-only key cannot ingest", async () => {
    const t = await seedTenant("readonly");
    const created = await call("/api/v1/api-keys", {
      method: "POST",
      token: t.adminKey,
      body: { name: "ro", permissions: ["read"] },
    });
    const { key } = (await created.json()) as CreatedKey;
    expect((await bulk(key, t.tenantId, [event(1)])).res.status).toBe(403);
  });
});

describe("POST /api/v1/interactions", () => {
  it("accepts one event with a UUID and stores it", async () => {
    const t = await seedTenant("single");
    const res = await call("/api/v1/interactions", {
      method: "POST",
      token: t.adminKey,
      body: { user_id: "u-1", item_id: "i-1", interaction_type: "like" },
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Accepted;
    expect(body.status).toBe("accepted");
    expect(body.interaction_id).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(
      () =>
        env.DB.prepare("SELECT interaction_type FROM user_history WHERE tenant_id = ? AND interaction_id = ?")
          .bind(t.tenantId, body.interaction_id)
          .first<{ interaction_type: string }>(),
      (r) => r?.interaction_type === "like",
    );
  });

  it("400 with the field for each rule", async () => {
    const t = await seedTenant("single-bad");
    const cases: [Record<string, unknown>, string][] = [
      [{ item_id: "i", interaction_type: "view" }, "user_id"],
      [{ user_id: "u", item_id: "i/2", interaction_type: "view" }, "item_id"],
      [{ user_id: "u", item_id: "i", interaction_type: "purchased" }, "interaction_type"],
      [{ user_id: "u", item_id: "i", interaction_type: "view", timestamp: "2026-01-01" }, "timestamp"],
    ];
    for (const [body, field] of cases) {
      const res = await call("/api/v1/interactions", { method: "POST", token: t.adminKey, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as ErrorBody).error.details.field).toBe(field);
    }
  });
});

describe("dry_run", () => {
  it("validates and counts without queueing anything", async () => {
    const t = await seedTenant("dryrun");
    const res = await call("/internal/data/interactions?dry_run=true", {
      method: "POST",
      token: t.adminKey,
      body: { tenant_id: t.tenantId, interactions: [event(1), event(2, { user_id: "" })] },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: 1 });
    await new Promise((r) => setTimeout(r, 700));
    expect(await count("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", t.tenantId)).toBe(0);
    const bad = await call("/internal/data/interactions?dry_run=yes", {
      method: "POST",
      token: t.adminKey,
      body: { tenant_id: t.tenantId, interactions: [event(1)] },
    });
    expect(bad.status).toBe(400);
  });
});
