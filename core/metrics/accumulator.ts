import type { Family } from "./families";

/**
 * What an isolate sends the Metrics object: the counts and histogram observations since its
 * last batch (deltas, which sum across isolates), and its requests in flight now (a level,
 * which the object keeps per isolate). Labels are values in the family's label order.
 */
export type Batch = {
  isolate: string;
  /** Requests in flight in this isolate when the batch was made, per service. */
  active: Record<string, number>;
  counters: CounterDelta[];
  histograms: HistogramDelta[];
};
export type CounterDelta = [family: string, labels: string[], delta: number];
/** `buckets` are per-bucket counts (not cumulative), one per bound plus the +Inf bucket. */
export type HistogramDelta = [family: string, labels: string[], buckets: number[], sum: number, count: number];

type Counter = { family: string; labels: string[]; value: number };
type Histogram = { family: string; labels: string[]; buckets: number[]; sum: number; count: number };

const keyOf = (family: string, labels: readonly string[]) => `${family}\u0001${labels.join("\u0001")}`;

/**
 * One isolate's counts between two batches. Only adds in memory: the request path never waits
 * on the Metrics object (the worker sends `drain()` in the background, scripts/… never).
 */
export class Accumulator {
  private counters = new Map<string, Counter>();
  private histograms = new Map<string, Histogram>();

  /** Distinct series held now: the worker sends a batch early when it grows past its bound. */
  get size(): number {
    return this.counters.size + this.histograms.size;
  }

  count(family: Family, labels: string[], by = 1): void {
    const key = keyOf(family.name, labels);
    const c = this.counters.get(key);
    if (c) c.value += by;
    else this.counters.set(key, { family: family.name, labels, value: by });
  }

  observe(family: Family, labels: string[], value: number): void {
    const bounds = family.buckets ?? [];
    const key = keyOf(family.name, labels);
    let h = this.histograms.get(key);
    if (!h) {
      h = { family: family.name, labels, buckets: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.histograms.set(key, h);
    }
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    h.buckets[i]! += 1;
    h.sum += value;
    h.count += 1;
  }

  /** Everything counted since the last drain, and empties the accumulator. */
  drain(): Pick<Batch, "counters" | "histograms"> {
    const out = {
      counters: [...this.counters.values()].map((c): CounterDelta => [c.family, c.labels, c.value]),
      histograms: [...this.histograms.values()].map((h): HistogramDelta => [
        h.family,
        h.labels,
        h.buckets,
        h.sum,
        h.count,
      ]),
    };
    this.counters = new Map();
    this.histograms = new Map();
    return out;
  }

  /** Puts a batch that could not be sent back, so its counts go with the next one. */
  restore(batch: Pick<Batch, "counters" | "histograms">): void {
    for (const [family, labels, delta] of batch.counters) this.count({ name: family } as Family, labels, delta);
    for (const [family, labels, buckets, sum, count] of batch.histograms) {
      const key = keyOf(family, labels);
      const h = this.histograms.get(key);
      if (!h) this.histograms.set(key, { family, labels, buckets: [...buckets], sum, count });
      else {
        buckets.forEach((n, i) => (h.buckets[i] = (h.buckets[i] ?? 0) + n));
        h.sum += sum;
        h.count += count;
      }
    }
  }
}
