import { DurableObject } from "cloudflare:workers";
import { createKernel } from "@edge-ml/core/vector/kernel";
import { MemoryIndex, VectorIndexError } from "@edge-ml/core/vector/memory-index";
import { shardMaxRows, type ShardConfig } from "@edge-ml/core/vector/shards";
import type { BatchQuery, Match, Metadata, QueryOptions, VectorRecord } from "@edge-ml/core/vector/types";
// Workers cannot compile WebAssembly at run time: wrangler ships this as a compiled module.
import kernelModule from "@edge-ml/core/vector/wasm/kernel.wasm";

export type IndexConfig = ShardConfig;

/**
 * The local stand-in for Vectorize: one object per shard of a tenant index (`ShardedIndex` in
 * core routes ids to shards and merges query results). The class is shared code (the api
 * types its stubs with it); the ingest worker hosts it and writes item vectors as items
 * arrive, and the api worker reads it through a cross-script binding
 * (`script_name = "edge-ml-ingest"`). It uses no binding, hence `DurableObject<unknown>`,
 * so either worker's Env fits. Rows persist in the
 * object's SQLite storage (values as Float32 bytes) and are searched from memory
 * (`MemoryIndex` on the WASM SIMD kernel, loaded on first use; its IVF lists are trained in
 * memory on the first approximate query, not persisted). A shard refuses rows beyond its
 * memory budget (`shardMaxRows`). Dimensions and metric are fixed when the index is
 * first written, as a Vectorize index's are at creation.
 */
export class VectorIndexObject extends DurableObject<unknown> {
  private index: MemoryIndex | undefined;
  /** The index's fixed configuration, once read: every RPC checks it, none re-reads it. */
  private fixed: IndexConfig | undefined;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS vectors (id TEXT PRIMARY KEY, namespace TEXT, vals BLOB NOT NULL, metadata TEXT)",
    );
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS config (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
  }

  private load(config: IndexConfig): MemoryIndex {
    const fixed = (this.fixed ??= this.fixedConfig(config));
    if (fixed.dimensions !== config.dimensions || fixed.metric !== config.metric) {
      throw new VectorIndexError(
        `index is ${fixed.dimensions}-d ${fixed.metric}; asked for ${config.dimensions}-d ${config.metric}`,
      );
    }
    if (this.index) return this.index;
    const storedRows = this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM vectors").one().n;
    const index = new MemoryIndex(fixed.dimensions, fixed.metric, {
      kernel: createKernel(kernelModule),
      maxRows: shardMaxRows(fixed.dimensions),
      // Exactly the rows there are (plus a little), so a loaded shard holds no spare capacity.
      capacity: Math.max(1024, Math.ceil(storedRows * 1.05)),
    });
    const rows = this.ctx.storage.sql.exec<{
      id: string;
      namespace: string | null;
      vals: ArrayBuffer;
      metadata: string | null;
    }>("SELECT id, namespace, vals, metadata FROM vectors");
    let batch: VectorRecord[] = [];
    for (const r of rows) {
      batch.push({
        id: r.id,
        values: new Float32Array(r.vals),
        ...(r.namespace !== null ? { namespace: r.namespace } : {}),
        ...(r.metadata !== null ? { metadata: JSON.parse(r.metadata) as Metadata } : {}),
      });
      if (batch.length === 1000) {
        index.write(batch, "upsert");
        batch = [];
      }
    }
    if (batch.length) index.write(batch, "upsert");
    this.index = index;
    return index;
  }

  /** The configuration stored at the first write, or `config`, stored now. */
  private fixedConfig(config: IndexConfig): IndexConfig {
    const stored = this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM config WHERE k = 'index'").toArray()[0];
    if (stored) return JSON.parse(stored.v) as IndexConfig;
    this.ctx.storage.sql.exec("INSERT INTO config (k, v) VALUES ('index', ?)", JSON.stringify(config));
    return config;
  }

  write(config: IndexConfig, records: VectorRecord[], mode: "insert" | "upsert"): string[] {
    const index = this.load(config);
    const written = new Set(index.write(records, mode));
    for (const r of records) {
      if (!written.has(r.id)) continue;
      const vals = Float32Array.from(r.values).buffer;
      this.ctx.storage.sql.exec(
        "INSERT OR REPLACE INTO vectors (id, namespace, vals, metadata) VALUES (?, ?, ?, ?)",
        r.id,
        r.namespace ?? null,
        vals,
        r.metadata ? JSON.stringify(r.metadata) : null,
      );
    }
    return [...written];
  }

  delete(config: IndexConfig, ids: string[]): string[] {
    const removed = this.load(config).delete(ids);
    for (const id of removed) this.ctx.storage.sql.exec("DELETE FROM vectors WHERE id = ?", id);
    return removed;
  }

  get(config: IndexConfig, ids: string[]): VectorRecord[] {
    return this.load(config).get(ids);
  }

  query(config: IndexConfig, vector: number[] | Float32Array, options: QueryOptions): Match[] {
    return this.load(config).query(vector, options);
  }

  queryMany(config: IndexConfig, queries: BatchQuery[]): Match[][] {
    const index = this.load(config);
    return queries.map((q) => index.query(q.vector, q.options ?? {}));
  }

  count(config: IndexConfig): number {
    return this.load(config).size;
  }

  /** What the shard holds and how it searches: for tests and operators. */
  stats(config: IndexConfig): { rows: number; lists: number; kernel: string; vectorBytes: number } {
    const index = this.load(config);
    return { rows: index.size, lists: index.lists, kernel: index.kernel.kind, vectorBytes: index.vectorBytes };
  }
}
