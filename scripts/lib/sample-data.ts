import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { groupBy } from "@edge-ml/core/util/group-by";
import { parseCsvObjects } from "./csv.ts";

/**
 * The sample catalogue (data/catalog, Magento's Luma store) as edge-ml items, and a
 * deterministic set of synthetic shoppers' events over it, for the local tenant.
 */
export type SampleItem = { item_id: string; title: string; description: string; category: string; tags: string[] };

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/&/g, " ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
const ENTITIES: Record<string, string> = {
  nbsp: " ",
  amp: "&",
  quot: '"',
  apos: "'",
  lt: "<",
  gt: ">",
  bull: "•",
  rsquo: "'",
  lsquo: "'",
  rdquo: '"',
  ldquo: '"',
  ndash: "-",
  mdash: "-",
  deg: "°",
  reg: "®",
  trade: "™",
};
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&([a-z]+);/g, (m, name: string) => ENTITIES[name] ?? m)
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 10_000);
const itemId = (sku: string) => sku.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 128);
const tagList = (values: string[]) =>
  [...new Set(values.map((t) => t.trim().slice(0, 32)).filter(Boolean))].slice(0, 20);

export function sampleItems(dir = path.resolve("data/catalog")): SampleItem[] {
  const items: SampleItem[] = [];
  const configurable = parseCsvObjects(readFileSync(path.join(dir, "configurable_products.csv"), "utf8"));
  for (const r of configurable.filter((r) => r.product_type === "configurable")) {
    // "Default Category/Men/Tops/Hoodies & Sweatshirts,Default Category/Collections/..."
    const paths = r.categories!.split(",").map((p) => p.split("/").slice(1));
    const main = paths.find((p) => p[0] === "Men" || p[0] === "Women" || p[0] === "Gear") ?? paths[0] ?? [];
    items.push({
      item_id: itemId(r.sku!),
      title: r.name!,
      description: text(r.description ?? ""),
      category: slug(main.slice(0, 2).concat(main.slice(-1)).join(" ")) || "other",
      tags: tagList(paths.flat().filter((s) => s !== "Default Category")),
    });
  }
  for (const file of readdirSync(dir).filter((f) => f.startsWith("simple_products_gear_"))) {
    for (const r of parseCsvObjects(readFileSync(path.join(dir, file), "utf8"))) {
      const segments = r.category!.split(/\r?\n/).slice(0, 2);
      items.push({
        item_id: itemId(r.sku!),
        title: r.name!,
        description: text(r.description ?? ""),
        category: slug(segments.join(" ")),
        tags: tagList([...(r.activity ?? "").split(/\r?\n/), ...(r.material ?? "").split(/\r?\n/)]),
      });
    }
  }
  return items;
}

/** A small seeded generator (mulberry32), so every machine gets the same sample events. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Synthetic shoppers: each prefers one category and takes 80% of their events there; views
 * lead to some clicks, carts and purchases. Timestamps span the 14 days before `now`.
 */
export function sampleInteractions(items: SampleItem[], users = 300, perUser = 25, now = Date.now()) {
  const random = rng(42);
  const byCategory = groupBy(items, (it) => it.category);
  const categories = [...byCategory.keys()];
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const events: { user_id: string; item_id: string; interaction_type: string; timestamp: string }[] = [];
  for (let u = 0; u < users; u++) {
    const favourite = pick(categories);
    for (let e = 0; e < perUser; e++) {
      const item = random() < 0.8 ? pick(byCategory.get(favourite)!) : pick(items);
      const r = random();
      const type =
        r < 0.55
          ? "view"
          : r < 0.8
            ? "click"
            : r < 0.88
              ? "add_to_cart"
              : r < 0.95
                ? "purchase"
                : r < 0.98
                  ? "like"
                  : "dislike";
      const ts = new Date(now - Math.floor(random() * 14 * 86_400_000));
      events.push({
        user_id: `demo-user-${u}`,
        item_id: item.item_id,
        interaction_type: type,
        timestamp: ts.toISOString().replace(/\.\d+Z$/, "Z"),
      });
    }
  }
  return events;
}

/**
 * The labelled news sample (data/news, HuffPost News Category v3, CC BY 4.0; see data/README.md):
 * JSON lines of `{ headline, short_description, category, ... }`, uploaded as it is to
 * POST /api/v1/model/training-data (the route ignores the other fields and reports rows whose
 * category is not in the label set, such as U.S. NEWS).
 */
export const NEWS_SAMPLE = "data/news/huffpost-news-category-v3-first10000.jsonl";

export function newsSample(file = path.resolve(NEWS_SAMPLE)): string {
  return readFileSync(file, "utf8");
}
