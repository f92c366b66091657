// The model routes share one tenant-wide limit (10 a minute on starter and pro, classifier-api.md), and a
// watched training job spends most of it. A 429 is refused before any work is done, so waiting what
// Retry-After says and asking again is safe for reads and for deploy/rollback/evaluate alike; the user sees
// the call take a little longer instead of an error. Gives up (returns the 429) after `maxWaitMs`.
export async function patiently<T extends { response: Response }>(
  call: () => Promise<T>,
  maxWaitMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const answer = await call();
    const left = deadline - Date.now();
    if (answer.response.status !== 429 || left <= 0) return answer;
    const retryAfter = Number(answer.response.headers.get("retry-after") ?? "1") * 1000 || 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter, left)));
  }
}
