/**
 * Detects a client walking product ids in order (prod_100, prod_101, prod_102, ...) on the
 * routes that reveal one item each. Pure: the caller keeps the history.
 */
export type Observation = { prefix: string; n: number; atMs: number };

/** How many consecutive ids in order make a walk, and how far back they may reach. */
export const WALK_LENGTH = 10;
export const WALK_WINDOW_MS = 5 * 60_000;
const MAX_STEP = 2;

export function parseSequentialId(id: string): { prefix: string; n: number } | undefined {
  const m = /^(.*?)(\d{1,15})$/.exec(id);
  if (!m) return undefined;
  return { prefix: m[1]!, n: Number(m[2]) };
}

/**
 * Appends `id` to `history` (newest last, at most WALK_LENGTH kept) and says whether the
 * last WALK_LENGTH ids, all within the window, share a prefix and step upward or downward
 * by 1..MAX_STEP each time.
 */
export function observe(
  history: Observation[],
  id: string,
  nowMs: number,
): { history: Observation[]; walking: boolean } {
  const parsed = parseSequentialId(id);
  const recent = history.filter((o) => nowMs - o.atMs <= WALK_WINDOW_MS);
  if (!parsed) return { history: recent, walking: false };
  const next = [...recent, { ...parsed, atMs: nowMs }].slice(-WALK_LENGTH);
  if (next.length < WALK_LENGTH) return { history: next, walking: false };
  const samePrefix = next.every((o) => o.prefix === next[0]!.prefix);
  const steps = next.slice(1).map((o, i) => o.n - next[i]!.n);
  const up = steps.every((s) => s >= 1 && s <= MAX_STEP);
  const down = steps.every((s) => s <= -1 && s >= -MAX_STEP);
  return { history: next, walking: samePrefix && (up || down) };
}
