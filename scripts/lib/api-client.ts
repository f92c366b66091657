/**
 * A small client of the local api for `npm start`'s first run (first-training.ts,
 * first-classifier.ts): the bootstrap key has the plan's rate limits (the model routes allow a
 * few calls a minute), so a 429 waits as told and tries again.
 */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type ApiClient = {
  call: (path: string, init?: RequestInit & { contentType?: string }) => Promise<Response>;
  get: <T>(path: string) => Promise<{ status: number; body: T }>;
};

export function apiClient(base: string, apiKey: string): ApiClient {
  const call = async (path: string, init: RequestInit & { contentType?: string } = {}): Promise<Response> => {
    const headers = { authorization: `Bearer ${apiKey}`, "content-type": init.contentType ?? "application/json" };
    for (;;) {
      const res = await fetch(`${base}${path}`, { ...init, headers });
      if (res.status !== 429) return res;
      await res.body?.cancel();
      await sleep(1000 * Math.min(30, Number(res.headers.get("retry-after")) || 2));
    }
  };
  const get = async <T>(path: string) => {
    const res = await call(path);
    return { status: res.status, body: (await res.json()) as T };
  };
  return { call, get };
}
