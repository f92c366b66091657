import { describe, expect, it } from "vitest";
import { observe, parseSequentialId, WALK_LENGTH, WALK_WINDOW_MS, type Observation } from "../limits/enumeration";

function run(ids: string[], stepMs = 100): boolean[] {
  let history: Observation[] = [];
  return ids.map((id, i) => {
    const r = observe(history, id, i * stepMs);
    history = r.history;
    return r.walking;
  });
}

describe("sequential id walks", () => {
  it("parses a prefix and a trailing number", () => {
    expect(parseSequentialId("prod_123")).toEqual({ prefix: "prod_", n: 123 });
    expect(parseSequentialId("42")).toEqual({ prefix: "", n: 42 });
    expect(parseSequentialId("sku-abc")).toBeUndefined();
  });

  it("detects ten ids in order, up or down, with small steps", () => {
    const up = Array.from({ length: WALK_LENGTH }, (_, i) => `prod_${i + 1}`);
    expect(run(up).at(-1)).toBe(true);
    expect(run(up).slice(0, -1).some(Boolean)).toBe(false);
    expect(run([...up].reverse()).at(-1)).toBe(true);
    expect(run(Array.from({ length: WALK_LENGTH }, (_, i) => `p${i * 2}`)).at(-1)).toBe(true);
  });

  it("ignores big jumps, mixed prefixes, repeats and slow walks", () => {
    expect(run(Array.from({ length: WALK_LENGTH }, (_, i) => `p${i * 10}`)).some(Boolean)).toBe(false);
    expect(run(Array.from({ length: WALK_LENGTH }, (_, i) => `${i % 2 ? "a" : "b"}${i}`)).some(Boolean)).toBe(false);
    expect(run(Array.from({ length: WALK_LENGTH }, () => "p7")).some(Boolean)).toBe(false);
    const slow = Array.from({ length: WALK_LENGTH }, (_, i) => `p${i}`);
    expect(run(slow, WALK_WINDOW_MS).some(Boolean)).toBe(false);
  });
});
