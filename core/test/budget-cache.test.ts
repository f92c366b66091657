import { describe, expect, it } from "vitest";
import { BudgetCache } from "../util/budget-cache";
import { stringBytes, stringsBytes, typedArrayBytes } from "../util/size-of";

/** Values are their own size, so the arithmetic of each test is plain. */
const bySize = (maxBytes: number, maxEntries = 100, ttlMs = 1000) =>
  new BudgetCache<string, number>(maxEntries, ttlMs, { maxBytes, sizeOf: (_k, v) => v });

/** A cache with `entries` set at time 0, in order. */
function filled(maxBytes: number, entries: Record<string, number>) {
  const c = bySize(maxBytes);
  for (const [k, v] of Object.entries(entries)) c.set(k, v, 0);
  return c;
}

describe("BudgetCache", () => {
  it("evicts the least recently used entries once the bytes pass the budget", () => {
    const c = filled(100, { a: 40, b: 40 });
    expect(c.bytes).toBe(80);
    c.set("c", 40, 0);
    expect(c.get("a", 0)).toBeUndefined();
    expect(c.get("b", 0)).toBe(40);
    expect(c.get("c", 0)).toBe(40);
    expect(c.bytes).toBe(80);
  });

  it("counts a read as a use: the entry read last stays", () => {
    const c = filled(100, { a: 30, b: 30, c: 30 });
    c.get("a", 0);
    c.set("d", 30, 0); // 120 bytes: b, the least recently used, goes
    expect(c.get("b", 0)).toBeUndefined();
    expect([c.get("a", 0), c.get("c", 0), c.get("d", 0)]).toEqual([30, 30, 30]);
  });

  it("evicts as many as it takes for one big entry", () => {
    const c = filled(100, { a: 20, b: 20, c: 20, d: 20 });
    c.set("big", 90, 0);
    expect(c.size).toBe(1);
    expect(c.bytes).toBe(90);
  });

  it("does not keep an entry bigger than the whole budget, and drops the key's older entry", () => {
    const c = filled(100, { a: 10, b: 10 });
    c.set("b", 101, 0);
    expect(c.get("b", 0)).toBeUndefined();
    expect(c.get("a", 0)).toBe(10);
    expect(c.bytes).toBe(10);
  });

  it("still honours the entry cap and the time to live", () => {
    const c = bySize(1000, 2, 1000);
    c.set("a", 1, 0);
    c.set("b", 1, 0);
    c.set("c", 1, 0);
    expect(c.get("a", 0)).toBeUndefined();
    expect(c.get("b", 999)).toBe(1);
    expect(c.get("c", 1000)).toBeUndefined();
    expect(c.bytes).toBe(1);
  });

  it("gives back the bytes of replaced, deleted and expired entries", () => {
    const c = bySize(100);
    c.set("a", 50, 0);
    c.set("a", 20, 0);
    expect(c.bytes).toBe(20);
    c.set("b", 30, 0);
    c.delete("b");
    c.deleteWhere((v) => v === 20);
    expect(c.bytes).toBe(0);
    c.set("x", 60, 0);
    expect(c.get("x", 5000)).toBeUndefined();
    expect(c.bytes).toBe(0);
  });
});

describe("size estimates", () => {
  it("counts strings at two bytes a character and typed arrays by their bytes", () => {
    expect(stringBytes("abcd")).toBe(8);
    expect(typedArrayBytes(new Float32Array(128))).toBeGreaterThanOrEqual(512);
    expect(stringsBytes(["ab", "cd"])).toBeGreaterThan(stringBytes("abcd"));
  });
});
