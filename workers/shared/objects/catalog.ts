import type { PartFile } from "@edge-ml/core/ingest/catalog";

/**
 * The RPC surface of a tenant's catalogue object (`CatalogWriter`, workers/ingest/src, which
 * implements it). Written down here because the dispatcher binds the object cross-script, and
 * `wrangler types` cannot see a class of another script: callers type their stubs with this
 * instead of importing the ingest worker's code. Every method is async, as a stub sees it.
 */
export interface CatalogObject {
  /**
   * Lists parts not yet listed (a redelivered batch adds nothing); whether any was new. With
   * `batchIds` (the ingest batches whose rows the parts hold) nothing is listed when a listed
   * part holds any of them already.
   */
  addParts(tenantId: string, parts: PartFile[], batchIds?: string[]): Promise<boolean>;
  /** Of `batchIds`, those no listed part holds yet. */
  uncovered(batchIds: string[]): Promise<string[]>;
  /** Compaction's swap: `output` replaces `inputs` only while every input is still live. */
  replaceParts(tenantId: string, inputs: string[], output: PartFile): Promise<boolean>;
  /** The live parts. */
  parts(): Promise<PartFile[]>;
  /** Writes catalog.json now (otherwise the object's alarm does, within a second). */
  publish(): Promise<void>;
}

/** The tenant's catalogue object through a binding that `wrangler types` leaves untyped. */
export function catalogObject(binding: DurableObjectNamespace, tenantId: string): CatalogObject {
  return binding.get(binding.idFromName(tenantId)) as unknown as CatalogObject;
}
