import { refreshMessages } from "@edge-ml/core/recommend/refresh-message";
import type { QueuedInteraction } from "@edge-ml/core/ingest/rows";
import { backgroundLogger } from "../../shared/logger";

/**
 * Once a message's events are in D1, asks the api to re-rank their users' stored
 * recommendation lists (edge-ml-refresh), so each user's next request is served without
 * ranking. RECOMMENDATION_REFRESH = "off" turns it off (every first request then ranks).
 * A failed send is logged, not retried: the lists are derived data, and the events are
 * stored whatever happens here.
 */
export async function requestRefresh(env: IngestEnv, tenantId: string, rows: QueuedInteraction[]): Promise<void> {
  if (env.RECOMMENDATION_REFRESH === "off") return;
  const messages = refreshMessages(
    tenantId,
    rows.map((r) => r.u),
  ).map((body) => ({ body }));
  try {
    // sendBatch takes at most 100 messages.
    for (let i = 0; i < messages.length; i += 100) await env.REFRESH_QUEUE.sendBatch(messages.slice(i, i + 100));
  } catch (e) {
    backgroundLogger("ingest").warn("Requesting a refresh of recommendation lists failed", {
      tenant_id: tenantId,
      messages: messages.length,
      error: String(e),
    });
  }
}
