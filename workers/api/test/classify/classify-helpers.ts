import { env } from "cloudflare:workers";
import {
  decodeLabelledParquet,
  encodeClassifier,
  splitStratified,
  trainClassifier,
  type LabelledText,
  type StoredLabelledRow,
} from "@edge-ml/core/classify";
import { keyringFrom, openSecret, sealedFor } from "@edge-ml/core/auth";
import { hmacHex, signPayload, SIGNATURE_HEADER } from "@edge-ml/core/auth/signatures";
import { CLASSIFIER_HOLDOUT } from "@edge-ml/core/schemas";
import { uniforms } from "@edge-ml/core/test/fixtures";
import { call, seedTenant, type SeededTenant } from "../helpers";

/**
 * Small classifier worlds for the workerd tests: a three-label tenant, synthetic headlines
 * whose topic words say their category (seeded), models trained with core/classify as the
 * trainer does (small hashed features, so each trains in well under a second), and the
 * trainer's side of a job played over the real /trainer routes of the dispatcher.
 */
export const LABELS = ["SPORTS", "POLITICS", "FOOD & DRINK"];
const TOPICS: Record<string, string[]> = {
  SPORTS: ["match", "goal", "team", "league", "coach", "season", "striker", "tournament", "playoff", "stadium"],
  POLITICS: ["senate", "vote", "election", "bill", "president", "campaign", "policy", "congress", "governor", "ballot"],
  "FOOD & DRINK": ["recipe", "chef", "dinner", "bake", "flavor", "kitchen", "restaurant", "taste", "dessert", "wine"],
};
const NOISE = ["the", "new", "after", "big", "why", "how", "this", "week", "says", "today", "more", "first"];

/** An enterprise tenant (model routes allow 100/min) with the three test labels. */
export async function classifierTenant(label: string): Promise<SeededTenant> {
  const t = await seedTenant(label, "active", "enterprise");
  const res = await call("/api/v1/model/labels", { method: "PUT", token: t.adminKey, body: { labels: LABELS } });
  if (res.status !== 200) throw new Error(`labels: ${res.status} ${await res.text()}`);
  return t;
}

/** `n` headlines per label: two topic words among noise, seeded. */
export function headlines(n: number, seed: number): LabelledText[] {
  const u = uniforms(seed);
  const pick = (xs: string[]) => xs[Math.floor(u() * xs.length)]!;
  const rows: LabelledText[] = [];
  for (let i = 0; i < n; i++) {
    for (const category of LABELS) {
      const words = [pick(NOISE), pick(TOPICS[category]!), pick(NOISE), pick(TOPICS[category]!), pick(NOISE)];
      rows.push({
        headline: `${words.join(" ")} ${i}`,
        short_description: `${pick(NOISE)} ${pick(TOPICS[category]!)}`,
        category,
      });
    }
  }
  return rows;
}

export const SMALL_FEATURES = { hash_bits: 12 };

/** Labels shuffled among the rows: what a candidate trained on bad corrections learns from. */
export function scrambled(rows: LabelledText[], seed: number): LabelledText[] {
  const u = uniforms(seed);
  return rows.map((r) => ({ ...r, category: LABELS[Math.floor(u() * LABELS.length)]! }));
}

/** A classifier trained here, its artifacts stored and its version registered as trainer-dispatch does. */
export async function registerClassifier(tenantId: string, version: string, rows: LabelledText[], production: boolean) {
  const trained = await trainClassifier(rows, { labels: LABELS, features: SMALL_FEATURES, epochs: 5 });
  const prefix = `tenants/${tenantId}/models/${version}/`;
  await env.DATA.put(`${prefix}model.json`, JSON.stringify({ model_type: "classifier", labels: LABELS }));
  await env.DATA.put(`${prefix}classifier.bin`, encodeClassifier(trained.model));
  const { accuracy, f1_score, precision, recall } = trained.metrics;
  await env.DB.prepare(
    `INSERT INTO model_versions (tenant_id, kind, version, model_type, status, is_production, metrics, training_job_id, artifact_prefix, created_at, deployed_at)
     VALUES (?, 'classifier', ?, 'classifier', ?, ?, ?, NULL, ?, ?, ?)`,
  )
    .bind(
      tenantId,
      version,
      production ? "active" : "pending",
      production ? 1 : 0,
      JSON.stringify({ accuracy, f1_score, precision, recall }),
      prefix,
      new Date().toISOString(),
      production ? new Date().toISOString() : null,
    )
    .run();
  return trained;
}

export async function uploadRows(t: SeededTenant, rows: unknown[]) {
  return call("/api/v1/model/training-data", { method: "POST", token: t.adminKey, body: rows });
}

/**
 * Plays the trainer for a queued classifier job over the real routes: reads each listed file
 * through its signed URL (as the dispatcher's spec gives them), trains on everything but the
 * held-out split (`scramble`: with shuffled labels, a worse candidate), uploads the artifacts and
 * reports completion with a signed callback, all through the api's /trainer forwarder.
 */
export async function playTrainer(jobId: string, options: { scramble?: boolean } = {}) {
  const job = await env.DB.prepare("SELECT callback_secret, inputs FROM training_jobs WHERE id = ?")
    .bind(jobId)
    .first<{ callback_secret: string; inputs: string }>();
  if (!job) throw new Error(`no job ${jobId}`);
  const { secret } = await openSecret(await keyringFrom(env.SECRETS_KEY), job.callback_secret, sealedFor.job(jobId));
  const inputs = JSON.parse(job.inputs) as { files: { name: string }[]; labels: string[] };
  const exp = Math.floor(Date.now() / 1000) + 600;
  const rows: StoredLabelledRow[] = [];
  for (const f of inputs.files) {
    const path = `/trainer/jobs/${jobId}/data/labelled/${f.name}`;
    const res = await call(`${path}?exp=${exp}&sig=${await hmacHex(secret, `url.GET.${path}.${exp}`)}`);
    if (res.status !== 200) throw new Error(`data ${f.name}: ${res.status} ${await res.text()}`);
    rows.push(...(await decodeLabelledParquet(await res.arrayBuffer())));
  }
  const uploaded = rows.filter((r) => r.source === "upload");
  const uploads = splitStratified(uploaded, CLASSIFIER_HOLDOUT.share, CLASSIFIER_HOLDOUT.seed);
  const train = [...uploads.train, ...rows.filter((r) => r.source === "feedback")];
  const trained = await trainClassifier(options.scramble ? scrambled(train, 7) : train, {
    labels: inputs.labels,
    features: SMALL_FEATURES,
    epochs: 5,
  });
  const folder = `/trainer/jobs/${jobId}/artifacts/`;
  const putSig = await hmacHex(secret, `url.PUT.${folder}.${exp}`);
  const artifacts: [string, BodyInit][] = [
    ["model.json", JSON.stringify({ model_type: "classifier", labels: inputs.labels })],
    ["classifier.bin", encodeClassifier(trained.model)],
  ];
  for (const [name, body] of artifacts) {
    const res = await call(`${folder}${name}?exp=${exp}&sig=${putSig}`, { method: "PUT", rawBody: body });
    if (res.status !== 201) throw new Error(`artifact ${name}: ${res.status} ${await res.text()}`);
  }
  const { accuracy, f1_score, precision, recall } = trained.metrics;
  const body = JSON.stringify({
    job_id: jobId,
    seq: 1,
    type: "completed",
    metrics: { accuracy, f1_score, precision, recall },
  });
  const res = await call(`/trainer/jobs/${jobId}/callbacks`, {
    method: "POST",
    rawBody: body,
    headers: { "content-type": "application/json", [SIGNATURE_HEADER]: await signPayload(secret, body) },
  });
  if (res.status !== 200) throw new Error(`completed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { version: string };
}

/** Waits for `check` to hold (the loop's step runs after the callback's answer). */
export async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}
