import type { InteractionTypeName } from "@edge-ml/core/ingest/labels";
import type { AlsParams } from "@edge-ml/core/ml/als";
import { Rng } from "@edge-ml/core/ml/random";
import { shuffled } from "@edge-ml/core/test/fixtures";

/**
 * The synthetic shop of whole-history.test.ts: 120 items in 8 categories, 30 heavy users with
 * 200-260 events each over the past 60 days, one user with 1,000 events, and a group of 12
 * users with held-out items. Deterministic (seeded).
 */
export type SentEvent = { user_id: string; item_id: string; interaction_type: InteractionTypeName; timestamp: string };
export type ParquetRow = {
  user_id: string;
  item_id: string;
  interaction_type: InteractionTypeName;
  label: number;
  timestamp: bigint;
};

export const DAY_MS = 86_400_000;
export const CATEGORIES = ["audio", "cameras", "kitchen", "garden", "books", "toys", "fitness", "outdoor"] as const;
export const PER_CATEGORY = 15;
export const WORDS = [
  "Aurora",
  "Basalt",
  "Cinder",
  "Drift",
  "Ember",
  "Fjord",
  "Glacier",
  "Harbor",
  "Iris",
  "Juniper",
  "Kestrel",
  "Lumen",
  "Meridian",
  "Nimbus",
  "Onyx",
];
export const HEAVY_USERS = 30;
export const GROUP_USERS = 12;
export const HELD_OUT = 5;
export const WHALE = "whale-user";
export const ALL = "wh-all-v1";
export const NO_GROUP = "wh-nogroup-v1";
export const ALS: Partial<AlsParams> = {
  factors: 16,
  iterations: 12,
  regularization: 5,
  alpha: 2,
  cgSteps: 0,
  seed: 11,
};

/** Whole seconds: the Parquet files keep unix seconds, popularity is summed from the same times. */
export const NOW_S = Math.floor(Date.now() / 1000);
export const iso = (s: number) => new Date(s * 1000).toISOString();

export const itemId = (c: number, j: number) => `${CATEGORIES[c]}-${String(j).padStart(2, "0")}`;

export type World = {
  items: { item_id: string; title: string; category: string; created_at: string }[];
  heavy: string[];
  group: string[];
  heldOut: Map<string, Set<string>>;
  /** Every event ingested in beforeAll, oldest first. */
  events: SentEvent[];
};

/** n event times (unix seconds) spread over the past 60 days, oldest first. */
export function times(rng: Rng, n: number): number[] {
  const from = NOW_S - 60 * 86_400;
  const to = NOW_S - 3600;
  return Array.from({ length: n }, () => from + Math.floor(rng.next() * (to - from))).sort((a, b) => a - b);
}

/** The mix of browsing types; purchases and dislikes are drawn separately, on each user's own items. */
export function browsingType(rng: Rng): InteractionTypeName {
  const x = rng.next();
  return x < 0.5 ? "view" : x < 0.75 ? "click" : x < 0.87 ? "add_to_cart" : x < 0.97 ? "like" : "remove_from_cart";
}

export function buildWorld(): World {
  const rng = new Rng(20261201);
  const items = CATEGORIES.flatMap((cat, c) =>
    Array.from({ length: PER_CATEGORY }, (_, j) => ({
      item_id: itemId(c, j),
      title: `${WORDS[j]} ${cat} ${["one", "two", "three", "four", "five", "six", "seven", "eight"][c]} ${j}`,
      category: cat,
      created_at: iso(NOW_S - 86_400 - Math.floor(rng.next() * 120 * 86_400)),
    })),
  );
  const events: SentEvent[] = [];
  const anyItem = () => itemId(rng.int(CATEGORIES.length), rng.int(PER_CATEGORY));
  const otherItem = (fav: number) =>
    itemId((fav + 1 + rng.int(CATEGORIES.length - 1)) % CATEGORIES.length, rng.int(PER_CATEGORY));

  // Heavy users: 80% of events in a favourite category; a few items of their own bought
  // (again and again, all along the 60 days) and a few disliked.
  const heavy: string[] = [];
  for (let h = 0; h < HEAVY_USERS; h++) {
    const user = `heavy-${String(h).padStart(2, "0")}`;
    heavy.push(user);
    const fav = h % CATEGORIES.length;
    const favItems = shuffled(
      rng,
      Array.from({ length: PER_CATEGORY }, (_, j) => itemId(fav, j)),
    );
    const bought = [...favItems.slice(0, 4), otherItem(fav)];
    const disliked = [favItems[4]!, otherItem(fav), otherItem(fav)];
    const n = 200 + rng.int(61);
    for (const ts of times(rng, n)) {
      const x = rng.next();
      let type: InteractionTypeName;
      let item: string;
      if (x < 0.1) {
        type = "purchase";
        item = bought[rng.int(bought.length)]!;
      } else if (x < 0.15) {
        type = "dislike";
        item = disliked[rng.int(disliked.length)]!;
      } else {
        type = browsingType(rng);
        item = rng.next() < 0.8 ? favItems[rng.int(PER_CATEGORY)]! : anyItem();
      }
      events.push({ user_id: user, item_id: item, interaction_type: type, timestamp: iso(ts) });
    }
  }

  // The whale: 1,000 events, every purchase and dislike older than their newest 50 events.
  {
    const fav = 2;
    const favItems = shuffled(
      rng,
      Array.from({ length: PER_CATEGORY }, (_, j) => itemId(fav, j)),
    );
    const bought = [...favItems.slice(0, 6), otherItem(fav), otherItem(fav)];
    const disliked = [...favItems.slice(6, 9), otherItem(fav), otherItem(fav), otherItem(fav)].filter(
      (i) => !bought.includes(i),
    );
    const consumed = new Set([...bought, ...disliked]);
    const open = [...favItems.slice(9), ...Array.from({ length: 10 }, () => otherItem(fav))].filter(
      (i) => !consumed.has(i),
    );
    const ts = times(rng, 1000);
    ts.forEach((t, e) => {
      let type: InteractionTypeName;
      let item: string;
      const x = rng.next();
      if (e >= 950) {
        type = rng.next() < 0.6 ? "view" : "click";
        item = open[rng.int(open.length)]!;
      } else if (x < 0.18) {
        type = "purchase";
        item = bought[rng.int(bought.length)]!;
      } else if (x < 0.3) {
        type = "dislike";
        item = disliked[rng.int(disliked.length)]!;
      } else {
        type = browsingType(rng);
        item = rng.next() < 0.75 ? favItems[rng.int(PER_CATEGORY)]! : anyItem();
      }
      events.push({ user_id: WHALE, item_id: item, interaction_type: type, timestamp: iso(t) });
    });
  }

  // The group: per user, 5 items of their favourite category held out (never ingested); of
  // the other 10, 7 viewed then bought and 3 clicked then liked; 5 views elsewhere.
  const group: string[] = [];
  const heldOut = new Map<string, Set<string>>();
  for (let g = 0; g < GROUP_USERS; g++) {
    const user = `group-${String(g).padStart(2, "0")}`;
    group.push(user);
    const fav = (g * 3) % CATEGORIES.length;
    const favItems = shuffled(
      rng,
      Array.from({ length: PER_CATEGORY }, (_, j) => itemId(fav, j)),
    );
    heldOut.set(user, new Set(favItems.slice(0, HELD_OUT)));
    const plan: [string, InteractionTypeName][] = [];
    for (const i of favItems.slice(HELD_OUT, HELD_OUT + 7)) plan.push([i, "view"], [i, "purchase"]);
    for (const i of favItems.slice(HELD_OUT + 7))
      plan.push([i, "click"], [i, rng.next() < 0.5 ? "like" : "add_to_cart"]);
    for (let v = 0; v < 5; v++) plan.push([otherItem(fav), "view"]);
    // Times in plan order, so each view comes before its purchase.
    times(rng, plan.length).forEach((t, p) =>
      events.push({ user_id: user, item_id: plan[p]![0], interaction_type: plan[p]![1], timestamp: iso(t) }),
    );
  }
  events.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  return { items, heavy, group, heldOut, events };
}
