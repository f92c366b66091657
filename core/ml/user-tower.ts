/**
 * The user tower of the GPU trainer's models (two_tower, gnn; trainer-gpu/), run at the edge
 * at request time: a user's vector from their history alone, so a user the model never saw is
 * served after one event without retraining.
 *
 *   h = mean of the vectors of the user's positive items (the same vectors the index holds)
 *   u = h + W h + b
 *
 * two_tower learns W and b (trainer-gpu/edgeml_trainer/two_tower.py); gnn ships W = 0 and
 * b = 0, so its user is the mean of their items' propagated LightGCN embeddings (its fold-in).
 * Artifact `user_tower.f32`: little-endian float32, W (d x d, row-major) then b (d).
 * Cost: n d to pool and d^2 for W (d = 64: 4k multiply-adds): far below a vector query.
 */
export type UserTower = { dim: number; w: Float32Array; b: Float32Array };

export function decodeUserTower(bytes: ArrayBuffer | Uint8Array, dim: number): UserTower {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const expected = (dim * dim + dim) * 4;
  if (buf.byteLength !== expected)
    throw new RangeError(`user_tower.f32 holds ${buf.byteLength} bytes; ${dim} dimensions need ${expected}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const all = new Float32Array(dim * dim + dim);
  for (let p = 0; p < all.length; p++) all[p] = view.getFloat32(p * 4, true);
  return { dim, w: all.subarray(0, dim * dim), b: all.subarray(dim * dim) };
}

/** The user's vector from the vectors of their positive items; undefined for an empty history. */
export function userTowerVector(tower: UserTower, history: readonly ArrayLike<number>[]): Float32Array | undefined {
  const d = tower.dim;
  if (history.length === 0) return undefined;
  const h = new Float64Array(d);
  for (const v of history) {
    if (v.length !== d) throw new RangeError(`an item vector has ${v.length} dimensions, the tower ${d}`);
    for (let f = 0; f < d; f++) h[f]! += v[f]!;
  }
  for (let f = 0; f < d; f++) h[f]! /= history.length;
  const out = new Float32Array(d);
  for (let r = 0; r < d; r++) {
    let s = h[r]! + tower.b[r]!;
    const row = r * d;
    for (let c = 0; c < d; c++) s += tower.w[row + c]! * h[c]!;
    out[r] = s;
  }
  return out;
}
