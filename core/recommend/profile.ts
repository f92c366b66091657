import { LABELS, type InteractionTypeName } from "../ingest/labels";

/** One of the user's recent events, newest first as serving reads them. */
export type HistoryEvent = { itemId: string; type: InteractionTypeName; ts: number };

/** A recent interest counts half after this long: a profile follows what the user does now. */
export const PROFILE_HALF_LIFE_MS = 3 * 24 * 3600 * 1000;

/** Disliked items pull the profile away from themselves, at half the weight of a purchase. */
const DISLIKE_WEIGHT = -0.5;

/**
 * Until a trained model supplies user vectors, a user's vector is the weighted mean of
 * the vectors of the items they recently acted on: weight = the interaction's training label
 * (purchase 1 .. view 0.2; dislike negative) times a recency decay, L2-normalised. Returns
 * undefined when nothing positive is left (a cold user).
 */
export function profileVector(
  history: readonly HistoryEvent[],
  vectorOf: (itemId: string) => ArrayLike<number> | undefined,
  dims: number,
): Float32Array | undefined {
  if (history.length === 0) return undefined;
  const newest = Math.max(...history.map((e) => e.ts));
  const acc = new Float64Array(dims);
  let positive = 0;
  for (const e of history) {
    const v = vectorOf(e.itemId);
    if (!v || v.length !== dims) continue;
    const label = e.type === "dislike" ? DISLIKE_WEIGHT : LABELS[e.type];
    const w = label * 2 ** (-(newest - e.ts) / PROFILE_HALF_LIFE_MS);
    if (w === 0) continue;
    if (w > 0) positive += w;
    const n = l2(v) || 1;
    for (let i = 0; i < dims; i++) acc[i]! += (w * v[i]!) / n;
  }
  if (positive === 0) return undefined;
  const n = l2(acc);
  if (!(n > 0)) return undefined;
  return Float32Array.from(acc, (x) => x / n);
}

/** The latest distinct items the user showed interest in (label >= click), newest first. */
export function seedItems(history: readonly HistoryEvent[], max: number): string[] {
  const seeds: string[] = [];
  for (const e of history) {
    if (e.type === "dislike" || LABELS[e.type] < LABELS.click || seeds.includes(e.itemId)) continue;
    seeds.push(e.itemId);
    if (seeds.length === max) break;
  }
  return seeds;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function l2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}
