import { isRefreshMessage, type RefreshMessage } from "@edge-ml/core/recommend/refresh-message";
import { API_SERVICE, backgroundLogger, logLevelOf } from "../../lib/logger";
import { recentHistory } from "./catalog-reads";
import { deployedRecommender, servingContext, servingModelVersion } from "./context";
import { cacheKey, historyStamp } from "./recommendation-cache";
import { consumedMask } from "./user-pairs";
import { rankList } from "./serve-recommendations";
import { storeLists, type ListToStore } from "./stored-lists";

/**
 * Consumer of edge-ml-refresh: ranks each named user's default list the way a request would
 * (same recommender, same key and history stamp) and stores it, so that the user's next
 * request, in any isolate, is served without ranking. A message that fails is retried; one
 * that fails for good is dropped with a log line: a stored list is derived data, and a
 * missing one only means that request ranks (no dead-letter queue, unlike ingestion).
 */
export async function consumeRefresh(batch: MessageBatch<unknown>, env: ApiEnv): Promise<void> {
  const log = backgroundLogger(API_SERVICE, logLevelOf(env.LOG_LEVEL));
  for (const msg of batch.messages) {
    if (!isRefreshMessage(msg.body)) {
      log.error("Not a refresh message (v1); dropped", { message_id: msg.id });
      msg.ack();
      continue;
    }
    try {
      await refreshLists(env, msg.body);
      msg.ack();
    } catch (e) {
      log.warn("Refreshing recommendation lists failed; will retry", {
        message_id: msg.id,
        attempts: msg.attempts,
        tenant_id: msg.body.tenant_id,
        error: String(e),
      });
      msg.retry();
    }
  }
}

/** Ranks and stores the default lists of `user_ids` (users without history are skipped). */
export async function refreshLists(env: ApiEnv, { tenant_id: tenantId, user_ids: userIds }: RefreshMessage) {
  const ctx = servingContext(env, tenantId);
  const model = await deployedRecommender(ctx);
  const modelVersion = servingModelVersion(ctx, model);
  const policy = await consumedMask(ctx.db, tenantId);
  const lists: ListToStore[] = [];
  for (const [i, userId] of userIds.entries()) {
    // A turn of the event loop between users: locally this consumer shares workerd's one
    // thread with serving, and a message of 10-25 rankings in a row held every request in
    // flight for 150-250 ms (docs/benchmarks.md, "Probes after run 2").
    if (i > 0) await new Promise((r) => setTimeout(r, 0));
    const history = await recentHistory(ctx.db, tenantId, userId);
    if (history.length === 0) continue;
    lists.push({
      userId,
      key: cacheKey(tenantId, userId, {}, ctx.weights, modelVersion, policy),
      stamp: historyStamp(history),
      items: await rankList(ctx, userId, {}, model, history),
    });
  }
  await storeLists(ctx.db, tenantId, lists, Date.now());
}
