import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeUserTower, userTowerVector } from "@edge-ml/core/ml/user-tower";
import { FIXTURES } from "./gpu-fixtures";

/**
 * The edge's user vector (core/ml/user-tower.ts) against PyTorch's for the same trained
 * two_tower and histories (trainer-gpu/tests/make_user_tower_fixture.py wrote the fixture).
 */
type Fixture = {
  dim: number;
  item_vectors: number[][];
  user_tower_f32_base64: string;
  histories: number[][];
  torch_user_vectors: number[][];
};

describe("user tower at the edge", () => {
  const f = JSON.parse(readFileSync(new URL("user_tower.json", FIXTURES), "utf8")) as Fixture;
  const tower = decodeUserTower(Buffer.from(f.user_tower_f32_base64, "base64"), f.dim);

  it("the trained tower is not the identity (the test would prove little)", () => {
    expect(tower.w.some((x) => Math.abs(x) > 1e-4)).toBe(true);
  });

  it("gives PyTorch's user vector within 1e-5 for every history", () => {
    f.histories.forEach((h, n) => {
      const vectors = h.map((i) => Float32Array.from(f.item_vectors[i % f.item_vectors.length]!));
      const edge = userTowerVector(tower, vectors)!;
      const torch = f.torch_user_vectors[n]!;
      let worst = 0;
      torch.forEach((x, d) => (worst = Math.max(worst, Math.abs(x - edge[d]!) / Math.max(1, Math.abs(x)))));
      expect(worst).toBeLessThan(1e-5);
    });
  });

  it("refuses a tower of the wrong size and has no vector for an empty history", () => {
    expect(() => decodeUserTower(new Uint8Array(12), f.dim)).toThrow(/user_tower.f32 holds 12 bytes/);
    expect(userTowerVector(tower, [])).toBeUndefined();
  });
});
