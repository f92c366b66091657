import type { IndexSpec } from "@edge-ml/core/vector/indexes";
import { ShardedIndex, type ShardClient } from "@edge-ml/core/vector/shards";
import type { VectorIndexObject } from "../objects/vector-index";

/**
 * `VectorIndex` over the Durable Object index: `spec.shards` objects per index and tenant
 * (`vectors:{name}:{tenant}:s{n}`), so tenants never share an index (Vectorize would hold all
 * tenants in one index, a namespace each). Routing and merging are `ShardedIndex`'s.
 */
export class LocalVectorIndex extends ShardedIndex {
  constructor(
    binding: DurableObjectNamespace | DurableObjectNamespace<VectorIndexObject>,
    tenantId: string,
    spec: IndexSpec,
  ) {
    // `wrangler types` cannot see a class of another script: the binding is typed here, and
    // the RPC stub's wrapped return types are the plain ones the object returns.
    const namespace = binding as unknown as DurableObjectNamespace<VectorIndexObject>;
    super(spec, tenantId, (name) => namespace.get(namespace.idFromName(name)) as unknown as ShardClient);
  }
}
