import {
  intakeInserts,
  refOf,
  resendIncomplete,
  sendRefs,
  sweepAfterMs,
  type IntakeBatch,
} from "@edge-ml/core/ingest/intake";
import { packRows, type QueuedInteraction, type QueuedItem } from "@edge-ml/core/ingest/rows";
import { sha256Hex } from "@edge-ml/core/auth";
import type { Logger } from "../../lib/logger";
import { intakeSweeper } from "../objects/intake-sweeper";

/** A UUID-shaped id derived from its inputs: the same request sent again gets the same ids. */
export async function derivedId(...parts: string[]): Promise<string> {
  const h = await sha256Hex(parts.join("\u0000"));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A request's accepted rows as batches of at most MAX_MESSAGE_BYTES of JSON (one D1 value
 * each, one unit of the consumer's work). With an idempotency key the batch ids are derived
 * from it, so a retried request produces the same batches and the consumer applies each once.
 */
export async function planBatches(
  tenantId: string,
  kind: "items" | "interactions",
  rows: QueuedItem[] | QueuedInteraction[],
  idempotencyKey?: string,
): Promise<IntakeBatch[]> {
  const packs = packRows<QueuedItem | QueuedInteraction>(rows);
  const batches: IntakeBatch[] = [];
  for (const [i, pack] of packs.entries()) {
    const batchId = idempotencyKey ? await derivedId(tenantId, idempotencyKey, kind, String(i)) : crypto.randomUUID();
    batches.push({ kind, tenant_id: tenantId, batch_id: batchId, rows: pack } as IntakeBatch);
  }
  return batches;
}

/** Set once this isolate has armed the sweeper: its alarm then re-arms itself for good. */
let sweeperArmed = false;

async function armSweeper(env: ApiEnv, logger: Logger): Promise<void> {
  if (sweeperArmed) return;
  try {
    await intakeSweeper(env).arm();
    sweeperArmed = true;
  } catch (e) {
    // Not the request's failure: the next request arms it, and in production the cron sweeps.
    logger.warn("Arming the intake sweeper failed", { error: String(e) });
  }
}

/**
 * Durable intake: the batches (and `alsoWrite`, the Idempotency-Key's stored response) are
 * written in one D1 batch before anything is acknowledged, then their references are sent on
 * edge-ml-ingest. Returns false when the send failed: the batches are safe in D1 and the
 * sweeper sends them once they are due, so the caller still answers 202.
 */
export async function acceptBatches(
  env: ApiEnv,
  batches: readonly IntakeBatch[],
  idempotencyKey: string | undefined,
  alsoWrite: D1PreparedStatement[],
  logger: Logger,
): Promise<boolean> {
  const now = Date.now();
  const inserts = intakeInserts(env.DB, batches, idempotencyKey, now, sweepAfterMs(env.INTAKE_SWEEP_AFTER_SECONDS));
  await Promise.all([env.DB.batch([...inserts, ...alsoWrite]), armSweeper(env, logger)]);
  try {
    await sendRefs(env.INGEST_QUEUE, batches.map(refOf));
    return true;
  } catch (e) {
    logger.warn("Enqueue failed; the intake sweep sends the batches once due", {
      batches: batches.length,
      error: String(e),
    });
    return false;
  }
}

/**
 * An Idempotency-Key replay: sends again the request's batches that are not complete, so a
 * client that retries after a lost message (or a crash) recovers its rows without waiting
 * for the sweep. Failing to send is logged only: the replay's answer is the stored one.
 */
export async function resendForReplay(env: ApiEnv, tenantId: string, key: string, logger: Logger): Promise<number> {
  try {
    const sweepAfter = sweepAfterMs(env.INTAKE_SWEEP_AFTER_SECONDS);
    return await resendIncomplete(env.DB, env.INGEST_QUEUE, tenantId, key, Date.now(), sweepAfter);
  } catch (e) {
    logger.warn("Sending a replayed request's incomplete batches failed; the intake sweep sends them", {
      error: String(e),
    });
    return 0;
  }
}
