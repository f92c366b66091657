import { apiClient, sleep } from "./api-client";

/**
 * `npm start`'s first run: trains the first recommender on the sample data through the api
 * (POST /internal/ml/training/trigger), prints its progress as the trainer reports it
 * (GET /api/v1/model/train/{job_id}), and deploys the result (POST /api/v1/model/deploy/{version})
 * so /recommend serves it. Returns a one-line summary; never throws.
 */
export async function trainFirstModel(
  base: string,
  apiKey: string,
  tenantId: string,
  expectedRows: number,
  say: (line: string) => void,
  timeoutMs = 300_000,
): Promise<string> {
  const api = apiClient(base, apiKey);
  const deadline = Date.now() + timeoutMs;
  try {
    // The sample events reach the training data through the ingest queue: wait for all of them.
    let rows = 0;
    while (rows < expectedRows && Date.now() < deadline) {
      const { data } = await api.GET("/api/v1/training-data/catalog");
      // The document types the catalogue loosely (it is catalog.json as stored): its partitions.
      const partitions = (data?.partitions ?? []) as { row_count: number }[];
      rows = partitions.reduce((n, p) => n + p.row_count, 0);
      if (rows < expectedRows) await sleep(300);
    }
    const trigger = await api.POST("/internal/ml/training/trigger", {
      body: { tenant_id: tenantId, training_config: { model_type: "matrix_factorization" } },
    });
    const created = trigger.data;
    if (!created)
      return `first model not trained: the trigger answered ${trigger.response.status} ${JSON.stringify(trigger.error)}`;
    if (created.status === "failed") return `first model not trained: ${created.error}`;
    say(`training the first recommender on the sample data (job ${created.job_id})`);
    let lastEpoch = -1;
    let lastStatus = "";
    while (Date.now() < deadline) {
      const { data: job, response } = await api.GET("/api/v1/model/train/{job_id}", {
        params: { path: { job_id: created.job_id } },
      });
      if (!job) return `first model: job status answered ${response.status}`;
      if (job.status !== lastStatus && job.status !== "completed") say(`  training: ${job.status}`);
      lastStatus = job.status;
      // Status reads are limited to 10 a minute (classifier-api.md), so a poll can miss
      // epochs: print every epoch the history holds that was not printed yet.
      for (const h of job.history) {
        if (h.epoch === undefined || h.epoch <= lastEpoch) continue;
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
        const deploy = await api.POST("/api/v1/model/deploy/{version}", {
          params: { path: { version: job.model_version } },
          body: { kind: "recommender" },
        });
        if (deploy.error)
          return `first model ${job.model_version} trained, not deployed: ${deploy.response.status} ${JSON.stringify(deploy.error)}`;
        return `first model ${job.model_version} trained on the sample data and deployed`;
      }
      await sleep(1000);
    }
    return "first model: still training after 5 minutes (see GET /api/v1/model/train/{job_id})";
  } catch (e) {
    return `first model not trained: ${(e as Error).message}`;
  }
}
