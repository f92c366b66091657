import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../scripts/lib/stack";

/**
 * The training data written by the ingest worker (hyparquet-writer), read back by a reader
 * this project did not write and that shares no code with the writer: DuckDB.
 */
let stack: Stack;
let dir: string;
beforeAll(async () => {
  stack = await startStack(18797, { EDGE_ML_SAMPLE_DATA: "0" });
  dir = mkdtempSync(path.join(tmpdir(), "edge-ml-parquet-"));
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Catalog = {
  partitions: {
    date: string;
    row_count: number;
    size_bytes: number;
    files: { key: string; row_count: number; size_bytes: number }[];
  }[];
};

const api = (p: string, init: RequestInit = {}) =>
  fetch(`${stack.base}${p}`, {
    ...init,
    headers: { authorization: `Bearer ${stack.credentials.admin_api_key}`, "content-type": "application/json" },
  });

describe("Parquet training data, read by DuckDB", () => {
  it("has the contract's schema, the catalogue's row counts and the ingested values", async () => {
    const types = ["view", "click", "purchase", "like", "dislike", "add_to_cart", "remove_from_cart"];
    const interactions = Array.from({ length: 1400 }, (_, i) => ({
      user_id: `user_${i % 37}`,
      item_id: `item_${i % 53}`,
      interaction_type: types[i % types.length],
      timestamp: i < 700 ? "2026-11-20T08:00:00Z" : "2026-11-21T09:30:00Z",
      context: { device_type: i % 2 ? "mobile" : "desktop" },
    }));
    const res = await api("/internal/data/interactions", {
      method: "POST",
      body: JSON.stringify({ tenant_id: stack.credentials.tenant_id, interactions }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 1400, rejected: 0 });

    let catalog: Catalog | undefined;
    for (let i = 0; i < 100; i++) {
      const c = await api("/api/v1/training-data/catalog");
      if (c.ok) {
        catalog = (await c.json()) as Catalog;
        if (catalog.partitions.reduce((n, p) => n + p.row_count, 0) === 1400) break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(catalog!.partitions.map((p) => [p.date, p.row_count])).toEqual([
      ["2026-11-20", 700],
      ["2026-11-21", 700],
    ]);

    const files: string[] = [];
    for (const p of catalog!.partitions) {
      for (const f of p.files) {
        const name = f.key.split("/").pop()!;
        const body = new Uint8Array(await (await api(`/api/v1/training-data/files/${p.date}/${name}`)).arrayBuffer());
        expect(body.byteLength).toBe(f.size_bytes);
        const local = path.join(dir, `${p.date}-${name}`);
        writeFileSync(local, body);
        files.push(local);
      }
    }

    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const list = `[${files.map((f) => `'${f}'`).join(", ")}]`;
    const schema = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${list})`)).getRowObjectsJson();
    expect(Object.fromEntries(schema.map((r) => [r.column_name, r.column_type]))).toEqual({
      interaction_id: "VARCHAR",
      user_id: "VARCHAR",
      item_id: "VARCHAR",
      interaction_type: "VARCHAR",
      timestamp: "BIGINT",
      label: "FLOAT",
      features: "STRUCT(user_features JSON, item_features JSON, context_features JSON)",
    });
    const totals = (
      await conn.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT interaction_id)::INTEGER AS ids,
                min("timestamp")::BIGINT AS first, max("timestamp")::BIGINT AS last
         FROM read_parquet(${list})`,
      )
    ).getRowObjectsJson()[0]!;
    expect(totals).toEqual({
      n: 1400,
      ids: 1400,
      first: String(Date.parse("2026-11-20T08:00:00Z") / 1000),
      last: String(Date.parse("2026-11-21T09:30:00Z") / 1000),
    });
    const labels = (
      await conn.runAndReadAll(
        `SELECT interaction_type, min(label) AS lo, max(label) AS hi, count(*)::INTEGER AS n FROM read_parquet(${list}) GROUP BY 1 ORDER BY 1`,
      )
    ).getRowObjectsJson();
    expect(Object.fromEntries(labels.map((r) => [r.interaction_type, [Number(r.lo), Number(r.hi), r.n]]))).toEqual({
      add_to_cart: [expect.closeTo(0.8, 5), expect.closeTo(0.8, 5), 200],
      click: [0.5, 0.5, 200],
      dislike: [0, 0, 200],
      like: [expect.closeTo(0.7, 5), expect.closeTo(0.7, 5), 200],
      purchase: [1, 1, 200],
      remove_from_cart: [expect.closeTo(0.1, 5), expect.closeTo(0.1, 5), 200],
      view: [expect.closeTo(0.2, 5), expect.closeTo(0.2, 5), 200],
    });
    const ctx = (
      await conn.runAndReadAll(
        `SELECT json_extract_string(features.context_features, '$.device_type') AS d, count(*)::INTEGER AS n FROM read_parquet(${list}) GROUP BY 1 ORDER BY 1`,
      )
    ).getRowObjectsJson();
    expect(ctx).toEqual([
      { d: "desktop", n: 700 },
      { d: "mobile", n: 700 },
    ]);
  });
});
