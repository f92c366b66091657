/**
 * The api worker's per-isolate caches are BudgetCaches (core/util/budget-cache.ts): an LRU
 * with a time-to-live, an entry cap and a byte budget. Each user gives its budget and size
 * estimate; the budgets are listed in docs/decisions.md ("Per-isolate memory budgets").
 */
export { BudgetCache as TtlCache, type CacheBudget } from "@edge-ml/core/util/budget-cache";
export { OBJECT_BYTES, slotBytes, stringBytes, stringsBytes, typedArrayBytes } from "@edge-ml/core/util/size-of";
