/**
 * A fetch that waits out 429s as the answer's Retry-After says (at most `maxWaitSeconds` per
 * wait) and tries again: for scripts and tests whose key has the plan's limits (the model
 * routes allow a few calls a minute). It waits without end; the console waits out a 429 per call
 * with a deadline instead (workers/api/src/console/client/patiently.ts), so a user is not left
 * staring at a page that never answers.
 */
export function waitingOutRateLimits(
  base: (request: Request) => Promise<Response> = (r) => globalThis.fetch(r),
  { maxWaitSeconds = 30, defaultWaitSeconds = 2 } = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    for (;;) {
      // A clone per try: a request's body can be read once.
      const res = await base(request.clone());
      if (res.status !== 429) return res;
      await res.body?.cancel();
      const seconds = Math.min(maxWaitSeconds, Number(res.headers.get("retry-after")) || defaultWaitSeconds);
      await new Promise((r) => setTimeout(r, 1000 * seconds));
    }
  };
}
