/**
 * A per-isolate batch's window: the first request of a window schedules `flush` after `ms`
 * with its own `waitUntil`, which keeps the isolate alive until the batch is sent; later
 * requests of the window only add to the batch. Used by the usage batch and the prediction writes.
 */
export function flushWindow(ms: number) {
  let scheduled = false;
  return (flush: () => Promise<void>, waitUntil: (p: Promise<unknown>) => void, onError: (e: unknown) => void) => {
    if (scheduled) return;
    scheduled = true;
    waitUntil(
      new Promise((r) => setTimeout(r, ms)).then(async () => {
        scheduled = false;
        await flush().catch(onError);
      }),
    );
  };
}
