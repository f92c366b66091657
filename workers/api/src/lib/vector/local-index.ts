import { indexObjectName, type IndexSpec } from "@edge-ml/core/vector/indexes";
import type { MutationResult, QueryOptions, QueryResult, VectorIndex, VectorRecord } from "@edge-ml/core/vector/types";
import type { IndexConfig, VectorIndexObject } from "../../../../ingest/src/vector-index";

/**
 * `VectorIndex` over the Durable Object index: one object per index and tenant, so tenants
 * never share an index (Vectorize would hold all tenants in one index, a namespace each).
 */
export class LocalVectorIndex implements VectorIndex {
  private readonly stub: DurableObjectStub<VectorIndexObject>;

  private readonly config: IndexConfig;

  constructor(binding: DurableObjectNamespace | DurableObjectNamespace<VectorIndexObject>, tenantId: string, spec: IndexSpec) {
    // `wrangler types` cannot see a class of another script: the binding is typed here.
    const namespace = binding as unknown as DurableObjectNamespace<VectorIndexObject>;
    this.stub = namespace.get(namespace.idFromName(indexObjectName(spec, tenantId)));
    this.config = { dimensions: spec.dimensions, metric: spec.metric };
  }

  private mutation(ids: string[]): MutationResult {
    return { mutationId: crypto.randomUUID(), count: ids.length, ids };
  }

  async query(vector: number[] | Float32Array, options: QueryOptions = {}): Promise<QueryResult> {
    const matches = await this.stub.query(this.config, vector, options);
    return { matches, count: matches.length };
  }

  async insert(vectors: VectorRecord[]): Promise<MutationResult> {
    return this.mutation(await this.stub.write(this.config, vectors, "insert"));
  }

  async upsert(vectors: VectorRecord[]): Promise<MutationResult> {
    return this.mutation(await this.stub.write(this.config, vectors, "upsert"));
  }

  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    return this.stub.get(this.config, ids);
  }

  async deleteByIds(ids: string[]): Promise<MutationResult> {
    return this.mutation(await this.stub.delete(this.config, ids));
  }

  async describe() {
    return { ...this.config, vectorCount: await this.stub.count(this.config) };
  }
}
