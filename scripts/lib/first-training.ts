import { apiClient, sleep } from "./api-client";

/**
 * `npm start`'s first run: trains the first recommender on the sample data through the api
 * (POST /internal/ml/training/trigger), prints its progress as the trainer reports it
 * (GET /api/v1/model/train/{job_id}), and deploys the result (POST /api/v1/model/deploy/{version})
 * so /recommend serves it. Returns a one-line summary; never throws.
 */
type JobStatus = {
  status: "queued" | "running" | "completed" | "failed" | "cancelled";
  progress: number;
  current_epoch: number;
  total_epochs: number;
  metrics: Record<string, number>;
  error: string | null;
  model_version: string | null;
  /** One entry per finished epoch: { epoch, loss, ... }. */
  history: { epoch: number; loss?: number }[];
};

export async function trainFirstModel(
  base: string,
  apiKey: string,
  tenantId: string,
  expectedRows: number,
  say: (line: string) => void,
  timeoutMs = 300_000,
): Promise<string> {
  const { call, get } = apiClient(base, apiKey);
  const deadline = Date.now() + timeoutMs;
  try {
    // The sample events reach the training data through the ingest queue: wait for all of them.
    let rows = 0;
    while (rows < expectedRows && Date.now() < deadline) {
      const { status, body } = await get<{ partitions?: { row_count: number }[] }>("/api/v1/training-data/catalog");
      rows = status === 200 ? (body.partitions ?? []).reduce((n, p) => n + p.row_count, 0) : 0;
      if (rows < expectedRows) await sleep(300);
    }
    const trigger = await call("/internal/ml/training/trigger", {
      method: "POST",
      body: JSON.stringify({ tenant_id: tenantId, training_config: { model_type: "matrix_factorization" } }),
    });
    const created = (await trigger.json()) as { job_id?: string; status?: string; error?: string | null };
    if (!created.job_id)
      return `first model not trained: the trigger answered ${trigger.status} ${JSON.stringify(created)}`;
    if (created.status === "failed") return `first model not trained: ${created.error}`;
    say(`training the first recommender on the sample data (job ${created.job_id})`);
    let lastEpoch = -1;
    let lastStatus = "";
    while (Date.now() < deadline) {
      const { status, body: job } = await get<JobStatus>(`/api/v1/model/train/${created.job_id}`);
      if (status !== 200) return `first model: job status answered ${status}`;
      if (job.status !== lastStatus && job.status !== "completed") say(`  training: ${job.status}`);
      lastStatus = job.status;
      // Status reads are limited to 10 a minute (classifier-api.md), so a poll can miss
      // epochs: print every epoch the history holds that was not printed yet.
      for (const h of job.history ?? []) {
        if (h.epoch <= lastEpoch) continue;
        lastEpoch = h.epoch;
        const loss = h.loss === undefined ? "" : `, loss ${h.loss.toFixed(1)}`;
        say(
          `  training: epoch ${h.epoch}/${job.total_epochs} (${Math.round((100 * h.epoch) / job.total_epochs)}%${loss})`,
        );
      }
      if (job.status === "failed" || job.status === "cancelled") return `first model ${job.status}: ${job.error}`;
      if (job.status === "completed" && job.model_version) {
        const m = job.metrics;
        say(
          `  searched ${m.trials} settings in ${m.search_seconds?.toFixed(1)} s (validation NDCG@10 ${m.validation_ndcg_at_10?.toFixed(3)}, popularity ${m.validation_popularity_ndcg_at_10?.toFixed(3)})`,
        );
        say(
          `  trained ${job.model_version}: held-out Recall@10 ${m.recall_at_10?.toFixed(3)}, NDCG@10 ${m.ndcg_at_10?.toFixed(3)} ` +
            `(popularity ${m.popularity_recall_at_10?.toFixed(3)} / ${m.popularity_ndcg_at_10?.toFixed(3)})`,
        );
        // Automation deploys only a model that beat popularity on validation (core/ml/tuning.ts).
        if (m.beats_popularity !== 1) {
          return (
            `first model ${job.model_version} trained but not deployed: it did not beat popularity on validation ` +
            `(NDCG@10 ${m.validation_ndcg_at_10} vs ${m.validation_popularity_ndcg_at_10}); recommendations stay on the untrained blend`
          );
        }
        const deploy = await call(`/api/v1/model/deploy/${job.model_version}`, {
          method: "POST",
          body: JSON.stringify({ kind: "recommender" }),
        });
        if (!deploy.ok)
          return `first model ${job.model_version} trained, not deployed: ${deploy.status} ${await deploy.text()}`;
        return `first model ${job.model_version} trained on the sample data and deployed`;
      }
      await sleep(1000);
    }
    return "first model: still training after 5 minutes (see GET /api/v1/model/train/{job_id})";
  } catch (e) {
    return `first model not trained: ${(e as Error).message}`;
  }
}
