import { createEdgeMlClient, waitingOutRateLimits, type EdgeMlClient } from "@edge-ml/client";

/**
 * The typed client (@edge-ml/client) for `npm start`'s first run (first-training.ts,
 * first-classifier.ts): the bootstrap key has the plan's rate limits (the model routes allow a
 * few calls a minute), so a 429 waits as told and tries again.
 */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function apiClient(base: string, apiKey: string): EdgeMlClient {
  return createEdgeMlClient({ baseUrl: base, token: apiKey, fetch: waitingOutRateLimits() });
}
