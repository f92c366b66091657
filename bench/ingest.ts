/**
 * bench/ingest: bulk interactions through the local stack (API -> Queue -> ingest worker ->
 * D1 + Parquet on R2) and the Parquet writer alone.
 *
 * 1. End to end: BENCH_ROWS events in requests of 10,000, CONCURRENCY at a time, timed
 *    from the first request until catalog.json counts every row. Baseline, same run and
 *    stack: the same requests with ?dry_run=true (authenticate, parse, validate, respond).
 * 2. Writer: the ingest worker's Parquet writer (core/ingest/parquet.ts on core/parquet) on
 *    1M events in this process, beside DuckDB's native writer (Snappy) producing the same
 *    schema and row count.
 * Run: npm run bench:ingest
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { writeEventsParquet } from "@edge-ml/core/ingest/parquet";
import type { QueuedInteraction } from "@edge-ml/core/ingest/rows";
import { startStack } from "../scripts/lib/stack";
import { table } from "./lib/stats";

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const PER_REQUEST = 10_000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const WRITER_ROWS = 1_000_000;
const TYPES = ["view", "click", "purchase", "like", "add_to_cart"] as const;

function requestBody(tenantId: string, r: number): string {
  const interactions = Array.from({ length: PER_REQUEST }, (_, i) => {
    const n = r * PER_REQUEST + i;
    return {
      user_id: `user_${n % 10_000}`,
      item_id: `item_${(n * 7919) % 5_000}`,
      interaction_type: TYPES[n % TYPES.length],
      timestamp: new Date(Date.UTC(2026, 10, 20) + (n % 86_400) * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
    };
  });
  return JSON.stringify({ tenant_id: tenantId, interactions });
}

async function pool<T>(n: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

async function endToEnd(): Promise<Record<string, string | number>[]> {
  const stack = await startStack(19087, { EDGE_ML_SAMPLE_DATA: "0" });
  try {
    const key = stack.credentials.admin_api_key;
    const tenant = stack.credentials.tenant_id;
    const requests = Math.ceil(ROWS / PER_REQUEST);
    const bodies = Array.from({ length: requests }, (_, r) => requestBody(tenant, r));
    const post = (body: string, dryRun: boolean) => async () => {
      const res = await fetch(`${stack.base}/internal/data/interactions${dryRun ? "?dry_run=true" : ""}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body,
      });
      const result = (await res.json()) as { accepted: number };
      if (res.status !== 202 || result.accepted !== PER_REQUEST)
        throw new Error(`unexpected ${res.status} ${JSON.stringify(result)}`);
    };

    const t0 = performance.now();
    await pool(
      CONCURRENCY,
      bodies.map((b) => post(b, true)),
    );
    const validateS = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    await pool(
      CONCURRENCY,
      bodies.map((b) => post(b, false)),
    );
    const acceptedS = (performance.now() - t1) / 1000;
    let stored = 0;
    while (stored < requests * PER_REQUEST) {
      const res = await fetch(`${stack.base}/api/v1/training-data/catalog`, {
        headers: { authorization: `Bearer ${key}` },
      });
      if (res.ok) {
        const c = (await res.json()) as { partitions: { row_count: number }[] };
        stored = c.partitions.reduce((n, p) => n + p.row_count, 0);
      }
      if (performance.now() - t1 > 600_000) throw new Error(`only ${stored} rows stored after 10 minutes`);
      if (stored < requests * PER_REQUEST) await new Promise((r) => setTimeout(r, 100));
    }
    const storedS = (performance.now() - t1) / 1000;
    const rows = requests * PER_REQUEST;
    return [
      {
        measure: "baseline: validate only (dry_run)",
        rows,
        seconds: validateS,
        rows_per_s: Math.round(rows / validateS),
      },
      { measure: "API accepted and queued", rows, seconds: acceptedS, rows_per_s: Math.round(rows / acceptedS) },
      {
        measure: "end to end: stored in D1 + Parquet + catalogue",
        rows,
        seconds: storedS,
        rows_per_s: Math.round(rows / storedS),
      },
    ];
  } finally {
    await stack.stop();
  }
}

async function writer(): Promise<Record<string, string | number>[]> {
  const events: QueuedInteraction[] = Array.from({ length: WRITER_ROWS }, (_, n) => ({
    id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`,
    u: `user_${n % 10_000}`,
    i: `item_${(n * 7919) % 5_000}`,
    t: TYPES[n % TYPES.length]!,
    ts: Date.UTC(2026, 10, 20) + (n % 86_400) * 1000,
  }));
  // Warm the JIT as a long-running consumer would be, then take the median of three runs.
  for (let i = 0; i < 3; i++) writeEventsParquet(events.slice(0, 200_000));
  const runs: number[] = [];
  let buffer: Uint8Array = new Uint8Array();
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    buffer = writeEventsParquet(events);
    runs.push((performance.now() - t) / 1000);
  }
  const writeS = runs.sort((a, b) => a - b)[1]!;
  const coldNote = `median of 3 (runs ${runs.map((r) => r.toFixed(2)).join(", ")} s)`;

  const dir = mkdtempSync(path.join(tmpdir(), "edge-ml-bench-"));
  try {
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    await conn.run(`CREATE TABLE t AS SELECT
        '00000000-0000-4000-8000-' || lpad(printf('%x', n), 12, '0') AS interaction_id,
        'user_' || (n % 10000) AS user_id, 'item_' || ((n * 7919) % 5000) AS item_id,
        ['view','click','purchase','like','add_to_cart'][(n % 5) + 1] AS interaction_type,
        (1795132800 + n % 86400)::BIGINT AS "timestamp", 0.5::FLOAT AS label,
        {'user_features': '{}'::JSON, 'item_features': '{}'::JSON, 'context_features': '{}'::JSON} AS features
      FROM range(${WRITER_ROWS}) r(n)`);
    const out = path.join(dir, "duck.parquet");
    const tDuck = performance.now();
    await conn.run(`COPY t TO '${out}' (FORMAT parquet, COMPRESSION snappy)`);
    const duckS = (performance.now() - tDuck) / 1000;
    return [
      {
        measure: `edge-ml writer (core/parquet), 1 thread, ${coldNote}`,
        rows: WRITER_ROWS,
        seconds: writeS,
        rows_per_s: Math.round(WRITER_ROWS / writeS),
        mb: buffer.byteLength / 1e6,
      },
      {
        measure: "baseline: DuckDB native writer, same rows",
        rows: WRITER_ROWS,
        seconds: duckS,
        rows_per_s: Math.round(WRITER_ROWS / duckS),
        mb: statSync(out).size / 1e6,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`Parquet writer, ${WRITER_ROWS} rows...`);
console.log(table(await writer()));
console.log(`\nend to end, ${ROWS} interactions in requests of ${PER_REQUEST}, ${CONCURRENCY} concurrent...`);
console.log(table(await endToEnd()));
console.log("\ntargets: end to end >= 20,000 interactions/s; writer >= 1,000,000 rows/s");
