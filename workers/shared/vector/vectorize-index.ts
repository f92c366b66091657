import { sha256Hex } from "@edge-ml/core/auth/secrets";
import type { IndexSpec } from "@edge-ml/core/vector/indexes";
import type {
  Match,
  MutationResult,
  QueryOptions,
  QueryResult,
  VectorIndex,
  VectorRecord,
} from "@edge-ml/core/vector/types";

/**
 * Ids per getByIds request. Vectorize's limits page names no cap for getByIds; 20, its cap on
 * results that carry values, keeps each request as small as a query that returns values.
 */
const GET_BATCH = 20;

/** Metadata key that carries a vector's id as the tenant sees it. */
const ID_KEY = "_id";

/**
 * `VectorIndex` over a Cloudflare Vectorize index shared by all tenants, one namespace
 * each. Vectorize ids are unique per index, not per namespace, so two tenants with the same
 * item id would overwrite each other: every id is stored as a digest of (tenant, id), the
 * tenant's id travels in metadata, and every call is pinned to the tenant's namespace. A
 * caller cannot name another namespace.
 */
export class VectorizeTenantIndex implements VectorIndex {
  constructor(
    private readonly index: Vectorize,
    private readonly tenantId: string,
    private readonly spec: IndexSpec,
  ) {}

  private async storedId(id: string): Promise<string> {
    return (await sha256Hex(`${this.tenantId}\u0000${id}`)).slice(0, 64);
  }

  private async toStored(records: VectorRecord[]): Promise<VectorizeVector[]> {
    return Promise.all(
      records.map(async (r) => {
        if (r.namespace !== undefined && r.namespace !== this.tenantId) {
          throw new Error("a tenant index writes only to its own namespace");
        }
        return {
          id: await this.storedId(r.id),
          values: Array.from(r.values),
          namespace: this.tenantId,
          metadata: { ...r.metadata, [ID_KEY]: r.id },
        };
      }),
    );
  }

  private fromStored(v: { id: string; values?: ArrayLike<number>; metadata?: Record<string, unknown> }) {
    const { [ID_KEY]: id, ...metadata } = (v.metadata ?? {}) as Record<string, string | number | boolean>;
    return { id: String(id ?? v.id), values: v.values ? Array.from(v.values) : undefined, metadata };
  }

  async query(vector: number[] | Float32Array, options: QueryOptions = {}): Promise<QueryResult> {
    if (options.namespace !== undefined && options.namespace !== this.tenantId) return { matches: [], count: 0 };
    // The real id is in metadata (an indexed field, docs/deploy.md): ask for it even when the caller did not.
    const result = await this.index.query(Array.from(vector), {
      topK: options.topK,
      filter: options.filter as VectorizeVectorMetadataFilter | undefined,
      returnValues: options.returnValues,
      returnMetadata: "indexed",
      namespace: this.tenantId,
    });
    const matches: Match[] = result.matches.map((m) => {
      const { id, values, metadata } = this.fromStored(m);
      const match: Match = { id, score: m.score };
      if (options.returnValues && values) match.values = values;
      if (options.returnMetadata && options.returnMetadata !== "none") match.metadata = metadata;
      return match;
    });
    return { matches, count: matches.length };
  }

  private async mutate(
    records: VectorRecord[],
    op: (v: VectorizeVector[]) => Promise<VectorizeAsyncMutation>,
  ): Promise<MutationResult> {
    const { mutationId } = await op(await this.toStored(records));
    return { mutationId, count: records.length, ids: records.map((r) => r.id) };
  }

  insert(vectors: VectorRecord[]): Promise<MutationResult> {
    return this.mutate(vectors, (v) => this.index.insert(v));
  }

  upsert(vectors: VectorRecord[]): Promise<MutationResult> {
    return this.mutate(vectors, (v) => this.index.upsert(v));
  }

  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    const storedIds = await Promise.all(ids.map((id) => this.storedId(id)));
    const batches: string[][] = [];
    for (let i = 0; i < storedIds.length; i += GET_BATCH) batches.push(storedIds.slice(i, i + GET_BATCH));
    const stored = (await Promise.all(batches.map((b) => this.index.getByIds(b)))).flat();
    return stored
      .filter((v) => v.namespace === this.tenantId)
      .map((v) => {
        const { id, values, metadata } = this.fromStored(v);
        return { id, values: values ?? [], namespace: this.tenantId, metadata };
      });
  }

  async deleteByIds(ids: string[]): Promise<MutationResult> {
    const { mutationId } = await this.index.deleteByIds(await Promise.all(ids.map((id) => this.storedId(id))));
    return { mutationId, count: ids.length, ids };
  }

  async describe() {
    // Vectorize counts the whole index, all tenants together: it has no per-namespace count.
    const d = await this.index.describe();
    return { dimensions: d.dimensions, metric: this.spec.metric, vectorCount: d.vectorCount };
  }
}
