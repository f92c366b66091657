/**
 * A request to re-rank some users' stored recommendation lists (queue edge-ml-refresh): sent
 * by the ingest worker once their events are in D1, consumed by the api worker, which owns
 * the recommender. Users per message are bounded so one message is a few hundred
 * milliseconds of ranking.
 */
export type RefreshMessage = { v: 1; tenant_id: string; user_ids: string[] };

export const USERS_PER_REFRESH_MESSAGE = 25;

export function isRefreshMessage(body: unknown): body is RefreshMessage {
  const b = body as Partial<RefreshMessage> | null;
  return (
    !!b &&
    b.v === 1 &&
    typeof b.tenant_id === "string" &&
    Array.isArray(b.user_ids) &&
    b.user_ids.every((u) => typeof u === "string")
  );
}

/** The messages for `userIds` (deduplicated, in order), USERS_PER_REFRESH_MESSAGE each. */
export function refreshMessages(tenantId: string, userIds: Iterable<string>): RefreshMessage[] {
  const users = [...new Set(userIds)];
  const out: RefreshMessage[] = [];
  for (let i = 0; i < users.length; i += USERS_PER_REFRESH_MESSAGE) {
    out.push({ v: 1, tenant_id: tenantId, user_ids: users.slice(i, i + USERS_PER_REFRESH_MESSAGE) });
  }
  return out;
}
