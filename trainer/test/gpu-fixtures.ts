/**
 * Fixtures the GPU trainer's Python tests read (trainer-gpu/tests/fixtures/), made by the
 * TypeScript code the Python ports: a training Parquet file from the ingest writer, and the
 * matrix, held-out split, popularity evaluation and Mulberry32 draws of core/ml. The vitest
 * test beside this rebuilds them and compares with the checked-in files, so a change in the
 * TypeScript shows up as a stale fixture rather than as the two trainers quietly disagreeing.
 * Regenerate: `npx tsx trainer/test/gpu-fixtures.ts`.
 */
import { writeFileSync } from "node:fs";
import { writeEventsParquet } from "@edge-ml/core/ingest/parquet";
import { LABELS, type InteractionTypeName } from "@edge-ml/core/ingest/labels";
import type { QueuedInteraction } from "@edge-ml/core/ingest/rows";
import { interactionsFromRows } from "@edge-ml/core/ml/interactions";
import { evaluate, popularityScorer, splitPerUser } from "@edge-ml/core/ml/metrics";
import { Rng } from "@edge-ml/core/ml/random";

export const FIXTURES = new URL("../../trainer-gpu/tests/fixtures/", import.meta.url);

const TYPES = Object.keys(LABELS) as InteractionTypeName[];

/** 900 events: repeats, dislikes after and before positives, equal timestamps, some metadata. */
export function fixtureEvents(): QueuedInteraction[] {
  const rng = new Rng(11);
  const events: QueuedInteraction[] = [];
  for (let e = 0; e < 900; e++) {
    const u = rng.int(60);
    const i = (u % 6) * 5 + rng.int(rng.next() < 0.8 ? 5 : 40);
    events.push({
      id: `ev-${e}`,
      u: `user-${u}`,
      i: `item-${i % 40}`,
      t: TYPES[rng.int(TYPES.length)]!,
      // Seconds with ties (the Parquet holds whole seconds).
      ts: 1_764_000_000_000 + rng.int(400) * 1000,
      ...(e % 7 === 0 ? { md: { title: `Item ${i % 40} héllo`, category: `c${u % 6}`, tags: ["a", "b"] } } : {}),
    });
  }
  return events;
}

export function splitFixture() {
  const events = fixtureEvents();
  const rows = events.map((e) => ({
    user_id: e.u,
    item_id: e.i,
    label: Math.fround(LABELS[e.t]),
    timestamp: Math.floor(e.ts / 1000),
  }));
  const { matrix, users, items } = interactionsFromRows(rows);
  const split = splitPerUser(matrix, { mode: "fraction", fraction: 0.2, seed: 42 });
  const pop = evaluate(popularityScorer(split.train), split, 10);
  const rng = new Rng(42);
  return {
    users: users.ids,
    items: items.ids,
    user_ptr: [...matrix.userPtr],
    user_items: [...matrix.userItems],
    user_values: [...matrix.userValues],
    train_ptr: [...split.train.userPtr],
    train_items: [...split.train.userItems],
    test_ptr: [...split.testPtr],
    test_items: [...split.testItems],
    popularity: { recall: pop.recall, ndcg: pop.ndcg, users: pop.users },
    rng_42: Array.from({ length: 20 }, () => rng.nextU32()),
  };
}

export const parquetFixture = () => writeEventsParquet(fixtureEvents());

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL("events.parquet", FIXTURES), parquetFixture());
  writeFileSync(new URL("split.json", FIXTURES), JSON.stringify(splitFixture()) + "\n");
  console.log(`wrote ${FIXTURES.pathname}events.parquet and split.json`);
}
