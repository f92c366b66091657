/**
 * Estimates of resident bytes for BudgetCache's `sizeOf`. They are estimates, not
 * measurements (V8 exposes no per-object size): strings at two bytes a character (V8 keeps
 * ASCII in one, so this over-counts, which is the safe side), typed arrays by their bytes,
 * and a fixed OBJECT_BYTES for each object, array or Map slot, about what V8 spends on a
 * header and a handful of fields. bench/lib/isolate-heap.ts measures the real heap.
 */
export const OBJECT_BYTES = 64;

export const stringBytes = (s: string): number => 2 * s.length;

/** A typed array: its elements, the view and its buffer. */
export const typedArrayBytes = (a: ArrayBufferView): number => a.byteLength + 2 * OBJECT_BYTES;

/** An array of strings: the array, and each string with its slot. */
export function stringsBytes(xs: readonly string[]): number {
  let bytes = OBJECT_BYTES;
  for (const s of xs) bytes += 8 + stringBytes(s);
  return bytes;
}

/** A cache slot with a string key: the key, the slot object and its Map entry. */
export const slotBytes = (key: string): number => stringBytes(key) + 2 * OBJECT_BYTES;
