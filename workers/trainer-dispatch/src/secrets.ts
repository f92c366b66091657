import { keyringFrom, openSecret, sealedFor, sealSecret } from "@edge-ml/core/auth/sealed-secrets";
import type { TrainingJob } from "@edge-ml/core/training/jobs";
import { log } from "./jobs";

/**
 * The dispatcher's reads of sealed signing secrets (core/auth/sealed-secrets.ts). Without
 * SECRETS_KEY these throw SecretsKeyError: the job or delivery fails loudly rather than
 * signing with, or accepting, anything else.
 */

/** The job's callback secret, in the clear (the row holds it sealed). */
export async function jobSecret(env: DispatchEnv, job: TrainingJob): Promise<string> {
  const ring = await keyringFrom(env.SECRETS_KEY);
  // A job written before sealing keeps its plaintext secret until it ends (hours at most).
  return (await openSecret(ring, job.callbackSecret, sealedFor.job(job.id))).secret;
}

/**
 * A webhook's signing secret, in the clear. One stored before sealing is sealed in place on
 * first use (conditional on the row still holding that plaintext), so no plaintext outlives
 * its first delivery after the upgrade.
 */
export async function webhookSecret(env: DispatchEnv, webhookId: string, stored: string): Promise<string> {
  const ring = await keyringFrom(env.SECRETS_KEY);
  const aad = sealedFor.webhook(webhookId);
  const { secret, legacy } = await openSecret(ring, stored, aad);
  if (legacy) {
    await env.DB.prepare("UPDATE webhooks SET secret = ? WHERE id = ? AND secret = ?")
      .bind(await sealSecret(ring, secret, aad), webhookId, stored)
      .run();
    log("INFO", "Sealed a webhook secret stored in plaintext", { webhook_id: webhookId });
  }
  return secret;
}
