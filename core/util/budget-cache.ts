/**
 * A per-isolate LRU with a time-to-live, an entry cap and a byte budget. Workers give an
 * isolate 128 MB, and an entry count alone does not bound memory (a cached list can be 100
 * bytes or 100 kB), so each cache also says what an entry costs (`sizeOf`, an estimate: see
 * size-of.ts) and how many bytes it may hold; past either bound the least recently used
 * entries go. The budgets of every cache are written down in docs/decisions.md
 * ("Per-isolate memory budgets").
 *
 * Map iteration order is insertion order, so re-inserting on read keeps the most recently
 * used entries at the end and the oldest at the front.
 */
export type CacheBudget<K, V> = {
  /** The most bytes the entries may hold, by `sizeOf`. */
  maxBytes: number;
  /** Estimated resident bytes of one entry, key included. */
  sizeOf: (key: K, value: V) => number;
};

type Slot<V> = { value: V; expires: number; bytes: number };

export class BudgetCache<K, V> {
  private readonly entries = new Map<K, Slot<V>>();
  private held = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly budget: CacheBudget<K, V>,
  ) {}

  /** Estimated bytes held now (for tests and measurements). */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K, now = Date.now()): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.expires <= now) {
      this.held -= hit.bytes;
      return undefined;
    }
    this.entries.set(key, hit);
    return hit.value;
  }

  /** Keeps `value` unless it alone is bigger than the budget (then any older entry of `key` goes too). */
  set(key: K, value: V, now = Date.now()): void {
    this.delete(key);
    const bytes = this.budget.sizeOf(key, value);
    if (bytes > this.budget.maxBytes) return;
    this.entries.set(key, { value, expires: now + this.ttlMs, bytes });
    this.held += bytes;
    while (this.entries.size > this.maxEntries || this.held > this.budget.maxBytes) this.evictOldest();
  }

  /** Whether `key` is held (expired or not), without touching its recency: for counting sets. */
  has(key: K): boolean {
    return this.entries.has(key);
  }

  delete(key: K): void {
    const hit = this.entries.get(key);
    if (!hit) return;
    this.entries.delete(key);
    this.held -= hit.bytes;
  }

  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [key, hit] of this.entries) if (predicate(hit.value)) this.delete(key);
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.delete(oldest.value);
  }
}
