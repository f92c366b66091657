import { env } from "cloudflare:workers";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { InteractionAccepted } from "@edge-ml/core/schemas";
import { call, seedTenant, type ErrorBody } from "../helpers";
import { readCatalog, waitFor } from "./ingest-helpers";

type Row = { interaction_id: string; user_id: string; item_id: string; interaction_type: string; timestamp: bigint };

async function track(token: string, body: Record<string, unknown>) {
  return call("/api/v1/interactions", { method: "POST", token, body });
}

/** The rows of a day's training files, once the catalogue lists that day. */
async function rowsOfDay(tenantId: string, date: string): Promise<Row[]> {
  const catalog = await waitFor(
    () => readCatalog(tenantId),
    (c) => !!c?.partitions.some((p) => p.date === date),
  );
  const rows: Row[] = [];
  for (const f of catalog!.partitions.find((p) => p.date === date)!.files) {
    expect(f.key).toContain(`/training_data/${date}/`);
    const obj = await env.DATA.get(f.key);
    rows.push(...((await parquetReadObjects({ file: await obj!.arrayBuffer() })) as Row[]));
  }
  return rows;
}

describe("backfill: event timestamps from 1970 on", () => {
  it("a 1997 event through POST /api/v1/interactions lands in the training data under its 1997 date", async () => {
    const t = await seedTenant("backfill-1997");
    const res = await track(t.adminKey, {
      user_id: "u-1997",
      item_id: "i-1997",
      interaction_type: "purchase",
      timestamp: "1997-03-14T08:15:00Z",
    });
    expect(res.status).toBe(202);
    const { interaction_id } = (await res.json()) as z.infer<typeof InteractionAccepted>;

    const rows = await rowsOfDay(t.tenantId, "1997-03-14");
    expect(rows).toEqual([
      expect.objectContaining({
        interaction_id,
        user_id: "u-1997",
        item_id: "i-1997",
        interaction_type: "purchase",
        timestamp: BigInt(Date.UTC(1997, 2, 14, 8, 15) / 1000),
      }),
    ]);
  });

  it("the epoch itself is accepted (timestamp 0 in the Parquet file)", async () => {
    const t = await seedTenant("backfill-epoch");
    const res = await track(t.adminKey, {
      user_id: "u-0",
      item_id: "i-0",
      interaction_type: "view",
      timestamp: "1970-01-01T00:00:00Z",
    });
    expect(res.status).toBe(202);
    const rows = await rowsOfDay(t.tenantId, "1970-01-01");
    expect(rows.map((r) => r.timestamp)).toEqual([0n]);
  });

  it("an event before 1970 is a 400 in the contract's envelope, naming the field", async () => {
    const t = await seedTenant("backfill-1969");
    const res = await track(t.adminKey, {
      user_id: "u",
      item_id: "i",
      interaction_type: "view",
      timestamp: "1969-12-31T23:59:59Z",
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error).toMatchObject({
      code: "VALIDATION_ERROR",
      details: { field: "timestamp", reason: "timestamp is before 1970-01-01T00:00:00Z", location: "json" },
    });
    expect(body.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.error.correlation_id).toEqual(expect.any(String));
    expect(Date.parse(body.error.timestamp)).not.toBeNaN();

    // The bulk route reports the same rule per row and keeps the good rows.
    const bulk = await call("/internal/data/interactions", {
      method: "POST",
      token: t.adminKey,
      body: {
        tenant_id: t.tenantId,
        interactions: [
          { user_id: "u", item_id: "i", interaction_type: "view", timestamp: "1969-07-20T20:17:00Z" },
          { user_id: "u", item_id: "i", interaction_type: "view", timestamp: "1985-07-13T12:00:00Z" },
        ],
      },
    });
    expect(bulk.status).toBe(202);
    expect(await bulk.json()).toEqual({
      accepted: 1,
      rejected: 1,
      validation_errors: [
        { index: 0, user_id: "u", item_id: "i", field: "timestamp", error: "timestamp is before 1970-01-01T00:00:00Z" },
      ],
    });
  });
});
