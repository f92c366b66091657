/**
 * Seeded implicit-feedback data with planted structure, for the ALS tests and bench/train.
 *
 * Items belong to latent clusters (tastes) and have a long-tail popularity (Zipf over a random
 * order). Each user has a primary and a secondary taste and a log-normal activity level. An
 * event picks the primary taste (70%), the secondary (20%) or, as noise, any item by global
 * popularity (10%), then an item within the taste by popularity. In-taste events are mostly
 * views and clicks with some likes, carts and purchases; noise events are views, clicks and
 * dislikes. A model that learns the tastes should beat popularity by a wide margin; one that
 * only learns popularity should not.
 */
import { LABELS } from "../ingest/labels";
import { Rng } from "./random";

export type SyntheticOptions = {
  nUsers: number;
  nItems: number;
  nInteractions: number;
  clusters?: number;
  /** Zipf exponent of item popularity (default 1). */
  zipf?: number;
  /** Every user gets at least this many events (default 5). */
  minPerUser?: number;
  seed?: number;
};

export type SyntheticData = {
  nUsers: number;
  nItems: number;
  users: Int32Array;
  items: Int32Array;
  labels: Float32Array;
  /** Unix seconds over a 90-day window. */
  timestamps: Float64Array;
  userTaste: Int32Array;
  itemCluster: Int32Array;
};

const IN_TASTE: [number, number][] = [
  [LABELS.view, 0.35],
  [LABELS.click, 0.3],
  [LABELS.like, 0.1],
  [LABELS.add_to_cart, 0.12],
  [LABELS.purchase, 0.1],
  [LABELS.remove_from_cart, 0.03],
];
const NOISE: [number, number][] = [
  [LABELS.view, 0.6],
  [LABELS.click, 0.25],
  [LABELS.dislike, 0.15],
];

export function syntheticInteractions(options: SyntheticOptions): SyntheticData {
  const { nUsers, nItems, nInteractions } = options;
  const clusters = options.clusters ?? 20;
  const zipf = options.zipf ?? 1;
  const minPerUser = options.minPerUser ?? 5;
  if (nInteractions < nUsers * minPerUser) throw new RangeError("nInteractions < nUsers * minPerUser");
  const rng = new Rng(options.seed ?? 1);

  // Items: a cluster each, popularity 1/(rank + 10)^zipf over a random permutation.
  const itemCluster = new Int32Array(nItems);
  for (let i = 0; i < nItems; i++) itemCluster[i] = rng.int(clusters);
  const rankOf = shuffled(nItems, rng);
  const weight = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) weight[i] = 1 / Math.pow(rankOf[i]! + 10, zipf);
  // Per-cluster item lists with cumulative weights, and a global one for noise.
  const members: number[][] = Array.from({ length: clusters }, () => []);
  for (let i = 0; i < nItems; i++) members[itemCluster[i]!]!.push(i);
  const clusterCum = members.map((list) => cumulative(list.map((i) => weight[i]!)));
  const globalCum = cumulative(Array.from(weight));

  // Users: two tastes and an activity level; counts = minimum + a multinomial by activity.
  const userTaste = new Int32Array(nUsers * 2);
  const activity: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    userTaste[2 * u] = rng.int(clusters);
    userTaste[2 * u + 1] = rng.int(clusters);
    activity.push(Math.exp(0.8 * rng.normal()));
  }
  const counts = new Int32Array(nUsers).fill(minPerUser);
  const activityCum = cumulative(activity);
  for (let e = nUsers * minPerUser; e < nInteractions; e++) counts[pick(activityCum, rng)]!++;

  const users = new Int32Array(nInteractions);
  const items = new Int32Array(nInteractions);
  const labels = new Float32Array(nInteractions);
  const timestamps = new Float64Array(nInteractions);
  const t0 = 1_780_000_000;
  let e = 0;
  for (let u = 0; u < nUsers; u++) {
    for (let c = 0; c < counts[u]!; c++, e++) {
      const roll = rng.next();
      let item: number;
      let types: [number, number][] = IN_TASTE;
      if (roll < 0.9) {
        const taste = userTaste[2 * u + (roll < 0.7 ? 0 : 1)]!;
        const list = members[taste]!;
        item = list.length > 0 ? list[pick(clusterCum[taste]!, rng)]! : pick(globalCum, rng);
      } else {
        item = pick(globalCum, rng);
        types = NOISE;
      }
      users[e] = u;
      items[e] = item;
      labels[e] = pickLabel(types, rng);
      timestamps[e] = t0 + Math.floor(rng.next() * 90 * 86400);
    }
  }
  return { nUsers, nItems, users, items, labels, timestamps, userTaste, itemCluster };
}

function shuffled(n: number, rng: Rng): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

function cumulative(w: number[]): Float64Array {
  const c = new Float64Array(w.length);
  let s = 0;
  for (let i = 0; i < w.length; i++) c[i] = s += w[i]!;
  return c;
}

/** Index drawn proportionally to the weights behind cumulative array c (binary search). */
function pick(c: Float64Array, rng: Rng): number {
  const target = rng.next() * c[c.length - 1]!;
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function pickLabel(types: [number, number][], rng: Rng): number {
  let r = rng.next();
  for (const [label, p] of types) {
    if (r < p) return label;
    r -= p;
  }
  return types[types.length - 1]![0];
}
