import { DurableObject } from "cloudflare:workers";
import { buildCatalog, catalogKey, type CatalogState, type PartFile } from "@edge-ml/core/ingest/catalog";
import type { CatalogObject } from "../../shared/objects/catalog";

/** catalog.json is rewritten at most this often (R2 takes about one write a second per key). */
const WRITE_EVERY_MS = 1000;

/**
 * The one writer of a tenant's catalog.json. Consumers and compaction call it after their
 * Parquet files are in R2; an object runs one call at a time, so concurrent batches never
 * lose each other's parts. Adding a part twice is a no-op (redelivered messages). The
 * state lives in the object's storage; R2 gets the rendered file within a second. Its RPC
 * surface is `CatalogObject` (workers/shared), which the dispatcher's cross-script stubs use.
 */
export class CatalogWriter extends DurableObject<IngestEnv> implements CatalogObject {
  private state: CatalogState = { seq: 0, files: {} };
  private tenantId: string | undefined;

  constructor(ctx: DurableObjectState, env: IngestEnv) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.state = (await ctx.storage.get<CatalogState>("state")) ?? this.state;
      this.tenantId = await ctx.storage.get<string>("tenant");
    });
  }

  async addParts(tenantId: string, parts: PartFile[]): Promise<boolean> {
    const fresh = parts.filter((p) => !this.state.files[p.key] && !this.state.retired?.[p.key]);
    if (fresh.length === 0) return false;
    for (const p of fresh) this.state.files[p.key] = p;
    await this.commit(tenantId);
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
    await this.commit(tenantId);
    return true;
  }

  // async only to match the stub's view (CatalogObject); callers await it through RPC anyway.
  async parts(): Promise<PartFile[]> {
    return Object.values(this.state.files);
  }

  private async commit(tenantId: string): Promise<void> {
    this.state.seq++;
    this.tenantId ??= tenantId;
    await this.ctx.storage.put({ state: this.state, tenant: this.tenantId });
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + WRITE_EVERY_MS);
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
  }
}
