import { inject } from "vitest";
import { writeEventsParquet } from "@edge-ml/core/ingest/parquet";
import type { QueuedInteraction } from "@edge-ml/core/ingest/rows";
import { Rng } from "@edge-ml/core/ml/random";
import { catalogOf, dispatchEnv, job, request } from "./helpers";

/**
 * What the tests that run the real GPU trainer share: the planted world they train on and the
 * pump that hands the trainer's requests, held by the relay (test/support/python-trainer.ts),
 * to the real worker. PUBLIC_URL is the relay.
 */
const trainer = inject("pythonTrainer");
export const TRAINING = "edge-ml-training";

export function started(): { url: string; relay: string } {
  if ("error" in trainer) throw new Error(trainer.error);
  return trainer;
}

/** A planted world: 6 tastes, each user's purchases mostly within theirs; items titled by taste. */
export function world(): QueuedInteraction[] {
  const rng = new Rng(3);
  const events: QueuedInteraction[] = [];
  for (let u = 0; u < 60; u++) {
    for (let n = 0; n < 10; n++) {
      const taste = u % 6;
      const item = rng.next() < 0.9 ? taste * 8 + rng.int(8) : rng.int(48);
      events.push({
        id: `e-${u}-${n}`,
        u: `user-${u}`,
        i: `item-${item}`,
        t: rng.next() < 0.5 ? "purchase" : "click",
        ts: Date.parse("2026-11-20T10:00:00Z") + (u * 10 + n) * 1000,
        md: { title: `thing ${item}`, category: `taste-${Math.floor(item / 8)}` },
      });
    }
  }
  return events;
}

export async function addWorld(tenantId: string): Promise<void> {
  const bytes = writeEventsParquet(world());
  const date = "2026-11-20";
  const key = `tenants/${tenantId}/training_data/${date}/part-0001.parquet`;
  await dispatchEnv.DATA.put(key, bytes);
  await catalogOf(dispatchEnv, tenantId).addParts(tenantId, [{ key, date, rows: 600, bytes: bytes.length }]);
}

const toBase64 = (bytes: Uint8Array) => {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
export const fromBase64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

export type Held = { id: number; method: string; path: string; headers: Record<string, string>; body: string };
export type Seen = Held & { status: number; json?: Record<string, unknown> };

/**
 * Hands the trainer's requests to the worker until `done` holds; `before` may act on a
 * request first (and return "drop" to leave it unanswered, as a dead trainer's would be).
 */
export async function pump(
  env: DispatchEnv,
  done: (seen: Seen[]) => Promise<boolean> | boolean,
  before?: (h: Held, seen: Seen[]) => Promise<"drop" | void>,
  ms = 90_000,
): Promise<Seen[]> {
  const { relay } = started();
  const seen: Seen[] = [];
  const until = Date.now() + ms;
  while (!(await done(seen))) {
    if (Date.now() > until) throw new Error(`the trainer did not finish: ${JSON.stringify(seen.map((s) => s.path))}`);
    const next = await fetch(`${relay}/__next`);
    if (next.status !== 200) continue;
    const h = (await next.json()) as Held;
    if ((await before?.(h, seen)) === "drop") continue;
    const body = h.method === "GET" ? undefined : fromBase64(h.body);
    const res = await request(h.path, { method: h.method, headers: h.headers, body }, env);
    const answer = new Uint8Array(await res.arrayBuffer());
    const entry: Seen = { ...h, status: res.status };
    if (h.path.endsWith("/callbacks"))
      entry.json = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
    seen.push(entry);
    await fetch(`${relay}/__answer/${h.id}`, {
      method: "POST",
      body: JSON.stringify({ status: res.status, body: toBase64(answer) }),
    });
  }
  return seen;
}

export const envFor = (type: string) =>
  ({
    ...dispatchEnv,
    PUBLIC_URL: started().relay,
    [`TRAINER_URL_${type.toUpperCase()}`]: started().url,
  }) as DispatchEnv;

export const finished = (id: string) => async () => ["completed", "failed"].includes((await job(id)).status as string);

export async function objectsUnder(prefix: string): Promise<string[]> {
  return (await dispatchEnv.DATA.list({ prefix })).objects.map((o) => o.key);
}
