/**
 * The api worker's per-isolate caches are BudgetCaches (core/util/budget-cache.ts): an LRU
 * with a time-to-live, an entry cap and a byte budget. Each user gives its budget and size
 * estimate; the budgets are listed in docs/decisions.md ("Per-isolate memory budgets").
 *
 * TtlCache is that cache with its gets and sets counted for /metrics (cache_operations_total,
 * cache_hit_rate): an in-memory add per operation, under the one `service` label (a cache-name
 * label is not in the contract, and would multiply the series by about twenty caches).
 */
import { BudgetCache } from "@edge-ml/core/util/budget-cache";
import { recordCache } from "../platform/metrics/recorder";

export { type CacheBudget } from "@edge-ml/core/util/budget-cache";
export { OBJECT_BYTES, slotBytes, stringBytes, stringsBytes, typedArrayBytes } from "@edge-ml/core/util/size-of";

export class TtlCache<K, V> extends BudgetCache<K, V> {
  override get(key: K, now = Date.now()): V | undefined {
    const value = super.get(key, now);
    recordCache("get", value === undefined ? "miss" : "hit");
    return value;
  }

  override set(key: K, value: V, now = Date.now()): void {
    super.set(key, value, now);
    // set() keeps nothing when the entry alone exceeds the byte budget.
    recordCache("set", this.has(key) ? "stored" : "rejected");
  }
}
