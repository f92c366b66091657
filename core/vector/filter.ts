import type { FilterOp, Metadata, MetadataFilter, MetadataValue } from "./types";

const OPS = new Set(["$eq", "$ne", "$in", "$nin", "$lt", "$lte", "$gt", "$gte"]);

function isOp(v: MetadataValue | FilterOp): v is FilterOp {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Throws on an operator Vectorize does not know, as Vectorize rejects the query. */
export function validateFilter(filter: MetadataFilter): void {
  for (const [field, cond] of Object.entries(filter)) {
    if (!isOp(cond)) continue;
    for (const op of Object.keys(cond)) {
      if (!OPS.has(op)) throw new Error(`unsupported filter operator ${op} on ${field}`);
    }
  }
}

const cmp = (a: MetadataValue | undefined, b: number | string) =>
  (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string")
    ? a < b
      ? -1
      : a > b
        ? 1
        : 0
    : undefined;

/** True when `metadata` satisfies every field of `filter` (missing fields fail all but $ne/$nin). */
export function matchesFilter(metadata: Metadata | undefined, filter: MetadataFilter | undefined): boolean {
  if (!filter) return true;
  for (const [field, cond] of Object.entries(filter)) {
    const value = metadata?.[field];
    if (!isOp(cond)) {
      if (value !== cond) return false;
      continue;
    }
    if (cond.$eq !== undefined && value !== cond.$eq) return false;
    if (cond.$ne !== undefined && value === cond.$ne) return false;
    if (cond.$in !== undefined && (value === undefined || !cond.$in.includes(value))) return false;
    if (cond.$nin !== undefined && value !== undefined && cond.$nin.includes(value)) return false;
    const ranges: [keyof FilterOp, (c: number) => boolean][] = [
      ["$lt", (c) => c < 0],
      ["$lte", (c) => c <= 0],
      ["$gt", (c) => c > 0],
      ["$gte", (c) => c >= 0],
    ];
    for (const [op, ok] of ranges) {
      const bound = cond[op] as number | string | undefined;
      if (bound === undefined) continue;
      const c = cmp(value, bound);
      if (c === undefined || !ok(c)) return false;
    }
  }
  return true;
}
