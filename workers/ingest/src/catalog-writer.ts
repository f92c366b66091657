import { DurableObject } from "cloudflare:workers";
import { buildCatalog, catalogKey, type CatalogState, type PartFile } from "@edge-ml/core/ingest/catalog";
import type { CatalogObject } from "../../shared/objects/catalog";

/** catalog.json is rewritten at most this often (R2 takes about one write a second per key). */
const WRITE_EVERY_MS = 1000;
/**
 * How long a batch id stays covered. Coverage only has to outlive the gap between a part's
 * listing and the consumer marking its batches done in D1 (after which a redelivery stops
 * at D1); queue retries span minutes, so two days is ample.
 */
const COVERAGE_MS = 2 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
/** A part named after one batch (`part-<batch id>`): written before parts named their batches. */
const SINGLE_BATCH_PART = /\/part-([0-9a-f-]{36})\.parquet$/;

/**
 * The one writer of a tenant's catalog.json. Consumers and compaction call it after their
 * Parquet files are in R2; an object runs one call at a time, so concurrent batches never
 * lose each other's parts. Adding a part twice is a no-op (redelivered messages), and a part
 * that names its batches is refused when any of them is already covered by a listed part
 * (a redelivery grouped differently cannot list the same rows twice). Each part is its own
 * storage entry, so a listing costs what it adds, not the size of the catalogue (it rewrote
 * one growing blob before, which made every event dearer as a day's parts piled up); batch
 * coverage is a SQL table with an age index for pruning. R2 gets the rendered file within a
 * second. Its RPC surface is `CatalogObject` (workers/shared), which the dispatcher's
 * cross-script stubs use.
 */
export class CatalogWriter extends DurableObject<IngestEnv> implements CatalogObject {
  private state: CatalogState = { seq: 0, files: {} };
  private tenantId: string | undefined;
  private prunedAt = 0;

  constructor(ctx: DurableObjectState, env: IngestEnv) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS covered (batch_id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID",
      );
      ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS covered_at ON covered (at)");
      await this.load();
    });
  }

  /** Reads the per-part entries; an object written as one `state` blob is converted once. */
  private async load(): Promise<void> {
    const storage = this.ctx.storage;
    this.tenantId = await storage.get<string>("tenant");
    const blob = await storage.get<CatalogState>("state");
    if (blob) {
      await this.writeEntries(Object.values(blob.files), [], blob.seq);
      const retired = Object.keys(blob.retired ?? {}).map((k) => [`retired:${k}`, true] as const);
      for (let i = 0; i < retired.length; i += 128) await storage.put(Object.fromEntries(retired.slice(i, i + 128)));
      await storage.delete("state");
    }
    const files: Record<string, PartFile> = {};
    for (const [k, p] of await storage.list<PartFile>({ prefix: "part:" })) files[k.slice(5)] = p;
    const retired: Record<string, true> = {};
    for (const k of (await storage.list({ prefix: "retired:" })).keys()) retired[k.slice(8)] = true;
    this.state = { seq: (await storage.get<number>("seq")) ?? 0, files, retired };
  }

  /** Whether a listed part (or a compaction's swapped-out input) holds `batchId`'s rows. */
  private covered(batchId: string): boolean {
    return this.ctx.storage.sql.exec("SELECT 1 FROM covered WHERE batch_id = ?", batchId).toArray().length > 0;
  }

  async uncovered(batchIds: string[]): Promise<string[]> {
    return batchIds.filter((id) => !this.covered(id));
  }

  async addParts(tenantId: string, parts: PartFile[], batchIds: string[] = []): Promise<boolean> {
    if (batchIds.some((id) => this.covered(id))) return false;
    const fresh = parts.filter((p) => !this.state.files[p.key] && !this.state.retired?.[p.key]);
    if (fresh.length === 0) return false;
    for (const p of fresh) this.state.files[p.key] = p;
    const now = Date.now();
    // Parts named after one batch (a single message's part) cover that batch too.
    const ids = new Set(batchIds);
    for (const p of fresh) {
      const m = SINGLE_BATCH_PART.exec(p.key);
      if (m) ids.add(m[1]!);
    }
    for (const id of ids) this.ctx.storage.sql.exec("INSERT OR IGNORE INTO covered VALUES (?, ?)", id, now);
    await this.commit(tenantId, fresh, []);
    return true;
  }

  /** Compaction: the merged part replaces its inputs in one update. */
  async replaceParts(tenantId: string, inputs: string[], output: PartFile): Promise<boolean> {
    if (!inputs.every((k) => this.state.files[k])) return false;
    this.state.retired ??= {};
    for (const k of inputs) {
      delete this.state.files[k];
      // Remembered so that a late redelivery cannot bring a compacted part back.
      this.state.retired[k] = true;
    }
    this.state.files[output.key] = output;
    await this.commit(tenantId, [output], inputs);
    return true;
  }

  // async only to match the stub's view (CatalogObject); callers await it through RPC anyway.
  async parts(): Promise<PartFile[]> {
    return Object.values(this.state.files);
  }

  private async commit(tenantId: string, added: PartFile[], retired: string[]): Promise<void> {
    this.state.seq++;
    this.tenantId ??= tenantId;
    await this.writeEntries(added, retired, this.state.seq, this.tenantId);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + WRITE_EVERY_MS);
  }

  /** The entries of an update: added parts, retired inputs (no longer listed), the sequence. */
  private async writeEntries(added: PartFile[], retired: string[], seq: number, tenant?: string): Promise<void> {
    const entries: Record<string, unknown> = { seq, ...(tenant ? { tenant } : {}) };
    for (const p of added) entries[`part:${p.key}`] = p;
    for (const k of retired) entries[`retired:${k}`] = true;
    const keys = Object.keys(entries);
    const gone = retired.map((k) => `part:${k}`);
    // No await between the writes: a Durable Object commits such a series atomically. put()
    // and delete() take at most 128 keys a call.
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < keys.length; i += 128) {
      writes.push(this.ctx.storage.put(Object.fromEntries(keys.slice(i, i + 128).map((k) => [k, entries[k]]))));
    }
    for (let i = 0; i < gone.length; i += 128) writes.push(this.ctx.storage.delete(gone.slice(i, i + 128)));
    await Promise.all(writes);
  }

  /** Writes catalog.json now; also what the alarm does. */
  async publish(): Promise<void> {
    if (!this.tenantId) return;
    const catalog = buildCatalog(this.tenantId, this.env.DATA_BUCKET_NAME, this.state, new Date());
    await this.env.DATA.put(catalogKey(this.tenantId), JSON.stringify(catalog, null, 2), {
      httpMetadata: { contentType: "application/json" },
    });
  }

  override async alarm(): Promise<void> {
    await this.publish();
    const now = Date.now();
    if (now - this.prunedAt > PRUNE_EVERY_MS) {
      this.prunedAt = now;
      this.ctx.storage.sql.exec("DELETE FROM covered WHERE at < ?", now - COVERAGE_MS);
    }
  }
}
