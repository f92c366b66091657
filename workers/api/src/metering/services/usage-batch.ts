import { flushWindow } from "../../lib/flush-window";
import type { UsageDelta } from "../objects/usage-meter";

/**
 * Usage is added up per isolate and sent to each tenant's UsageMeter once per
 * USAGE_BATCH_MS, not once per request: a busy tenant's meter is one Durable Object, and a
 * call per request made it the hottest object of the platform (every request of the tenant
 * went through it) and cost a call of CPU per request. A report (`readUsage`) sends this
 * isolate's batch first, so it is exact for what this isolate served; other isolates' counts
 * arrive within USAGE_BATCH_MS. An isolate that dies inside that window loses its batch
 * (usage is reporting, not billing-grade: docs/decisions.md).
 *
 * Two seconds, not less: each batch the meter takes is a storage commit, and locally every
 * commit is an fsync that holds workerd's one thread (traced at 50-140 ms on this machine's
 * disk, stalling every request in flight; docs/decisions.md, "Background writes: a commit or
 * two a second").
 */
export const USAGE_BATCH_MS = 2000;

type Batch = Map<string, Required<Omit<UsageDelta, "day">> & { day: string }>;
let batch: Batch = new Map();
const usageWindow = flushWindow(USAGE_BATCH_MS);

/** Adds one request's usage to this isolate's batch. */
export function addUsage(tenantId: string, delta: UsageDelta): void {
  const key = `${tenantId}|${delta.day}`;
  const sum = batch.get(key) ?? {
    day: delta.day,
    apiCalls: 0,
    recommendationsServed: 0,
    itemsIndexed: 0,
    predictions: 0,
    latencyMs: 0,
    latencyCount: 0,
  };
  sum.apiCalls += delta.apiCalls ?? 0;
  sum.recommendationsServed += delta.recommendationsServed ?? 0;
  sum.itemsIndexed += delta.itemsIndexed ?? 0;
  sum.predictions += delta.predictions ?? 0;
  if (delta.latencyMs !== undefined) {
    sum.latencyMs += delta.latencyMs;
    sum.latencyCount += delta.latencyCount ?? 1;
  }
  batch.set(key, sum);
}

/**
 * Sends the batch within USAGE_BATCH_MS: the first request of a window schedules it with
 * its `waitUntil`, which keeps the isolate alive until it is sent.
 */
export function scheduleUsageFlush(
  env: ApiEnv,
  waitUntil: (p: Promise<unknown>) => void,
  onError: (e: unknown) => void,
): void {
  usageWindow(() => flushUsage(env), waitUntil, onError);
}

/** Sends this isolate's batch now (all tenants, or one), one meter call per tenant and day. */
export async function flushUsage(env: ApiEnv, tenantId?: string): Promise<void> {
  const sending: [string, UsageDelta][] = [];
  for (const [key, sum] of batch) {
    const tenant = key.slice(0, key.indexOf("|"));
    if (tenantId !== undefined && tenant !== tenantId) continue;
    batch.delete(key);
    sending.push([tenant, sum]);
  }
  await Promise.all(
    sending.map(([tenant, delta]) => env.USAGE_METER.get(env.USAGE_METER.idFromName(tenant)).record(tenant, delta)),
  );
}
