/**
 * bench/serve's synthetic tenant: BENCH_ITEMS items made from the sample catalogue's products
 * in many variants, users with a favourite category, loaded through the public routes.
 */
import { sampleItems } from "../../scripts/lib/sample-data";
import { clientIp, send, type Client } from "./http-load";
import { waitForQuiet } from "./quiet";
import { workerdServingPid } from "./workerd-socket";

export type World = { items: number; users: number; eventsPerUser: number; skipStoredLists?: boolean };

export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const random = rng(7);
export const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;

const COLOURS = ["black", "blue", "red", "green", "grey", "white", "orange", "purple", "yellow", "brown"];
const SIZES = ["xs", "s", "m", "l", "xl", "xxl"];
const EDITIONS = ["classic", "pro", "lite", "eco", "sport", "trail", "studio", "urban", "tech", "core"];

function benchItems(count: number) {
  const base = sampleItems();
  return Array.from({ length: count }, (_, i) => {
    const b = base[i % base.length]!;
    const variant = `${pick(EDITIONS)} ${pick(COLOURS)} ${pick(SIZES)}`;
    return {
      item_id: `bench-${i}`,
      title: `${b.title} ${variant}`,
      description: `${b.description.slice(0, 400)} ${variant} edition.`,
      category: b.category,
      tags: [...b.tags.slice(0, 5), pick(COLOURS)],
    };
  });
}

/**
 * Uploads `world.items` synthetic items and `world.users` x `world.eventsPerUser` events (80% in
 * each user's favourite category), then waits until every item is embedded, every event is in
 * the training data, and the background refresh has stored the users' lists.
 */
export async function loadWorld(c: Client, world: World) {
  const items = benchItems(world.items);
  const byCategory = new Map<string, string[]>();
  for (const it of items) byCategory.set(it.category, [...(byCategory.get(it.category) ?? []), it.item_id]);
  const categories = [...byCategory.keys()];
  const t0 = performance.now();
  for (let i = 0; i < items.length; i += 5000) {
    const res = await send(c, "/internal/data/items", {
      method: "POST",
      body: JSON.stringify({ tenant_id: c.stack.credentials.tenant_id, items: items.slice(i, i + 5000) }),
    });
    if (res.status !== 202) throw new Error(`items upload: ${res.status} ${await res.text()}`);
  }
  const types = ["view", "view", "view", "click", "click", "add_to_cart", "purchase", "like"];
  const events = [];
  const now = Date.now();
  for (let u = 0; u < world.users; u++) {
    const favourite = byCategory.get(pick(categories))!;
    for (let e = 0; e < world.eventsPerUser; e++) {
      events.push({
        user_id: `bench-user-${u}`,
        item_id: random() < 0.8 ? pick(favourite) : pick(items).item_id,
        interaction_type: pick(types),
        timestamp: new Date(now - Math.floor(random() * 7 * 86_400_000)).toISOString(),
      });
    }
  }
  for (let i = 0; i < events.length; i += 10_000) {
    const res = await send(c, "/internal/data/interactions", {
      method: "POST",
      body: JSON.stringify({ tenant_id: c.stack.credentials.tenant_id, interactions: events.slice(i, i + 10_000) }),
    });
    if (res.status !== 202) throw new Error(`events upload: ${res.status} ${await res.text()}`);
  }
  // Embedded items answer /embedding; the last ones queued are a fair sign the rest are done.
  const probes = [...Array(30).keys()].map((k) => `bench-${Math.floor(((k + 1) * (items.length - 1)) / 30)}`);
  for (;;) {
    // Each probe from its own client: ids in order from one client look like catalogue scraping.
    const codes = await Promise.all(
      probes.map(
        async (id) =>
          (await send(c, `/api/v1/items/${id}/embedding`, { headers: { "cf-connecting-ip": clientIp() } })).status,
      ),
    );
    if (codes.every((s) => s === 200)) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  for (;;) {
    // The training-data catalogue is an admin route.
    const res = await send({ ...c, key: c.stack.credentials.admin_api_key }, "/api/v1/training-data/catalog");
    // 404 until the first events are written.
    if (res.status !== 200 && res.status !== 404)
      throw new Error(`training-data catalog: ${res.status} ${await res.text()}`);
    const catalog = (await res.json()) as { partitions?: { row_count: number }[] };
    const rows = (catalog.partitions ?? []).reduce((n, p) => n + p.row_count, 0);
    if (rows >= events.length) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`loaded ${items.length} items and ${events.length} events in ${seconds.toFixed(1)} s`);
  if (!world.skipStoredLists) await waitForStoredLists(c, world.users);
  await waitForBackgroundWork(c);
  return { items, categories };
}

/**
 * Waits until workerd is idle: most users having a stored list does not mean the background
 * work of the load is done (workerd used more than 10% of a core for another 16-34 s after
 * waitForStoredLists), and a loop measured before then measures that work, not serving
 * (docs/benchmarks.md, "Background writes").
 */
async function waitForBackgroundWork(c: Client) {
  const pid = workerdServingPid(Number(new URL(c.stack.base).port));
  if (pid === undefined) {
    console.log("workerd's pid not found (not npm start?): not waiting for the background work to drain");
    return;
  }
  const seconds = await waitForQuiet(pid);
  console.log(`workerd ${pid} quiet (under 10% of a core for 6 s) ${seconds.toFixed(1)} s after the stored lists`);
}

/**
 * Waits until the background refresh has stored the lists of (nearly) every user: each round
 * asks 30 users never asked before (each once: a request that ranks stores the list itself)
 * and counts the answers served from a stored list.
 */
async function waitForStoredLists(c: Client, users: number) {
  const probeRandom = rng(11); // its own stream: the catalogue and events stay those of earlier runs
  const probeOrder = Array.from({ length: users }, (_, u) => u)
    .map((u) => ({ u, k: probeRandom() }))
    .sort((a, b) => a.k - b.k)
    .map((p) => p.u);
  const t0 = performance.now();
  for (let round = 0; ; round++) {
    const users = probeOrder.splice(0, 30);
    if (users.length < 30) throw new Error("ran out of users to probe the stored lists with");
    const layers = await Promise.all(
      users.map(async (u) => {
        const res = await send(c, `/recommend/bench-user-${u}?k=10`, { headers: { "cf-connecting-ip": clientIp() } });
        await res.arrayBuffer();
        return res.headers.get("X-Cache-Layer");
      }),
    );
    const stored = layers.filter((l) => l === "stored").length;
    if (stored >= 29) {
      console.log(
        `stored lists ready (${stored}/30 probed users) ${((performance.now() - t0) / 1000).toFixed(1)} s after loading`,
      );
      return;
    }
    if (round % 5 === 0) console.log(`waiting for stored lists: ${stored}/30 probed users have one`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}
