/**
 * Item-to-item recommenders (EASE in ease.ts, cosine item-kNN in item-knn.ts) share one model:
 * each item's top-N neighbours with weights. Row j lists the items i that item j "votes for",
 * with weight w(j->i); a user's score for item i is the sum of the votes of the items they liked:
 *
 *   score(i) = sum over the user's positive items j (r_uj > 0) of w(j->i)
 *
 * The input is binary (every positive counts 1 whatever its strength r), because EASE is
 * defined on a binary matrix and its weights are only optimal for that input; kNN's cosine is
 * computed on the same binarized positives, so both read a history the same way. A dislike
 * (r < 0) casts no votes: neither model was fitted with negatives as input, and the serving
 * side excludes seen items anyway. Items that get no vote score 0; a user with no positives
 * gets all zeros (the caller falls back to popularity, as with ALS's zero vector).
 *
 * Offline evaluation (itemToItemScorer) and the edge (scoreFromItems) run the same function
 * over the same distinct items in the same order (ascending, as the training CSR and
 * mergeUserEvents both hold them), so their scores agree bit for bit.
 *
 * Storing only N neighbours per item bounds the model at nItems * N * 8 bytes (100k items,
 * N = 50: 40 MB) and a user's scoring at n_u * N additions, whatever the catalogue size.
 */
import type { InteractionMatrix } from "./interactions";
import type { Scorer } from "./metrics";

export type ItemToItemModel = {
  nItems: number;
  /** N, the slots per row. */
  neighbours: number;
  /** nItems x N, row-major: row j's neighbour items, best first; -1 for an empty slot (always at the row's end). */
  index: Int32Array;
  /** nItems x N, row-major: w(j->i) of the slot (0 for an empty slot). */
  weight: Float32Array;
};

/** An all-empty model: every slot -1 with weight 0. */
export function emptyItemToItem(nItems: number, neighbours: number): ItemToItemModel {
  if (!(Number.isInteger(nItems) && nItems >= 0)) throw new RangeError("nItems must be an integer >= 0");
  if (!(Number.isInteger(neighbours) && neighbours >= 0)) throw new RangeError("neighbours must be an integer >= 0");
  return {
    nItems,
    neighbours,
    index: new Int32Array(nItems * neighbours).fill(-1),
    weight: new Float32Array(nItems * neighbours),
  };
}

/**
 * Keeps the N best candidates of one row, for the model builders: offer every (item, weight)
 * of row j, then write the row. Only strictly positive weights are kept (a zero or negative
 * weight would lower or not change a score, so it is not worth a slot; see ease.ts). Order is
 * by weight descending, ties to the lower item index, so a model is deterministic whatever
 * order the candidates come in. Comparisons use the float64 weights, before storage rounds
 * them to float32.
 */
export class NeighbourSelector {
  private readonly best: Float64Array;
  private readonly items: Int32Array;
  private count = 0;

  constructor(readonly neighbours: number) {
    this.best = new Float64Array(neighbours);
    this.items = new Int32Array(neighbours);
  }

  /** Starts a new row. */
  reset(): void {
    this.count = 0;
  }

  /** Offers item i with weight w (NaN and w <= 0 are ignored). */
  offer(i: number, w: number): void {
    if (!(w > 0)) return;
    const n = this.neighbours;
    const best = this.best;
    const items = this.items;
    if (this.count === n && !beats(w, i, best[n - 1]!, items[n - 1]!)) return;
    let p = this.count < n ? this.count++ : n - 1;
    while (p > 0 && beats(w, i, best[p - 1]!, items[p - 1]!)) {
      best[p] = best[p - 1]!;
      items[p] = items[p - 1]!;
      p--;
    }
    best[p] = w;
    items[p] = i;
  }

  /** Writes the kept neighbours into `row` of the model (which must have this selector's N), empty slots last. */
  write(model: ItemToItemModel, row: number): void {
    const n = this.neighbours;
    const o = row * n;
    for (let s = 0; s < n; s++) {
      model.index[o + s] = s < this.count ? this.items[s]! : -1;
      model.weight[o + s] = s < this.count ? this.best[s]! : 0;
    }
  }
}

function beats(w: number, i: number, w0: number, i0: number): boolean {
  return w > w0 || (w === w0 && i < i0);
}

/**
 * Fills out (length nItems) with the scores of a user whose distinct items are `items` with
 * merged values `values` (r > 0 positive, r < 0 a dislike, as interactions.ts defines them),
 * and returns it. Pass items in the order training held them (ascending, as mergeUserEvents
 * returns them): the float32 sums are then bit for bit those of itemToItemScorer.
 * Cost: n_u * N additions plus clearing out.
 */
export function scoreFromItems(
  model: ItemToItemModel,
  items: ArrayLike<number>,
  values: ArrayLike<number>,
  out: Float32Array,
): Float32Array {
  if (items.length !== values.length) throw new RangeError("items and values must have one length");
  if (out.length !== model.nItems) throw new RangeError(`out must have length ${model.nItems}`);
  const n = model.neighbours;
  const { index, weight } = model;
  out.fill(0);
  for (let e = 0; e < items.length; e++) {
    const j = items[e]!;
    if (!(j >= 0 && j < model.nItems && Number.isInteger(j))) throw new RangeError(`item index ${j} out of range`);
    if (!(values[e]! > 0)) continue; // binary input: a dislike casts no votes
    for (let s = j * n, end = s + n; s < end; s++) {
      const i = index[s]!;
      if (i < 0) continue; // empty slot; `continue`, not `break`, so a decoded row with gaps still scores right
      out[i]! += weight[s]!;
    }
  }
  return out;
}

/** A Scorer for `evaluate`: each user's scores from their training row. */
export function itemToItemScorer(model: ItemToItemModel, train: InteractionMatrix): Scorer {
  if (model.nItems !== train.nItems) throw new RangeError("model and train must have the same nItems");
  return (u, out) => {
    const s = train.userPtr[u]!;
    const e = train.userPtr[u + 1]!;
    scoreFromItems(model, train.userItems.subarray(s, e), train.userValues.subarray(s, e), out);
  };
}

/**
 * The model as one binary artifact, 8 * nItems * N bytes, no header:
 *   bytes [0, 4 nItems N)              index, int32 little-endian, row-major;
 *   bytes [4 nItems N, 8 nItems N)     weight, float32 little-endian, row-major.
 * nItems travels beside it (the model's item-id list has that length), so N = length / (8 nItems).
 * Little-endian explicitly (DataView), so the bytes are the same whatever the host's byte order.
 */
export function encodeItemToItem(model: ItemToItemModel): Uint8Array {
  const total = model.nItems * model.neighbours;
  if (model.index.length !== total || model.weight.length !== total)
    throw new RangeError("index and weight must have nItems * neighbours entries");
  const bytes = new Uint8Array(8 * total);
  const view = new DataView(bytes.buffer);
  for (let p = 0; p < total; p++) view.setInt32(4 * p, model.index[p]!, true);
  const w0 = 4 * total;
  for (let p = 0; p < total; p++) view.setFloat32(w0 + 4 * p, model.weight[p]!, true);
  return bytes;
}

/** Reads encodeItemToItem's layout back; throws RangeError on a length or an index that cannot be this model's. */
export function decodeItemToItem(bytes: Uint8Array, nItems: number): ItemToItemModel {
  if (!(Number.isInteger(nItems) && nItems >= 0)) throw new RangeError("nItems must be an integer >= 0");
  if (nItems === 0) {
    if (bytes.length !== 0) throw new RangeError("a model of 0 items has no bytes");
    return emptyItemToItem(0, 0);
  }
  if (bytes.length % (8 * nItems) !== 0)
    throw new RangeError(`length ${bytes.length} is not a multiple of 8 * nItems (${8 * nItems})`);
  const neighbours = bytes.length / (8 * nItems);
  const total = nItems * neighbours;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const index = new Int32Array(total);
  const weight = new Float32Array(total);
  for (let p = 0; p < total; p++) {
    const i = view.getInt32(4 * p, true);
    if (i < -1 || i >= nItems) throw new RangeError(`neighbour index ${i} at slot ${p} out of range`);
    index[p] = i;
  }
  const w0 = 4 * total;
  for (let p = 0; p < total; p++) weight[p] = view.getFloat32(w0 + 4 * p, true);
  return { nItems, neighbours, index, weight };
}
