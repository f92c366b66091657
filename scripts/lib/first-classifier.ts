import { apiClient, sleep } from "./api-client";
import { newsSample } from "./sample-data";

/**
 * `npm start`'s first run, for text classification: uploads the labelled news sample
 * (POST /api/v1/model/training-data), trains the first classifier on it
 * (POST /api/v1/model/train), and follows the job (GET /api/v1/model/train/{job_id}). The
 * tenant's first classifier is deployed when it is registered, so /api/v1/predict answers once
 * this returns. Returns a one-line summary; never throws.
 */
type JobStatus = {
  status: "queued" | "running" | "completed" | "failed" | "cancelled";
  metrics: Record<string, number>;
  error: string | null;
  model_version: string | null;
};

export async function trainFirstClassifier(
  base: string,
  apiKey: string,
  say: (line: string) => void,
  timeoutMs = 600_000,
): Promise<string> {
  const { call, get } = apiClient(base, apiKey);
  const deadline = Date.now() + timeoutMs;
  try {
    const upload = await call("/api/v1/model/training-data", {
      method: "POST",
      body: newsSample(),
      contentType: "application/x-ndjson",
    });
    const uploaded = (await upload.json()) as { accepted?: number; rejected?: number };
    if (upload.status !== 201)
      return `first classifier not trained: the upload answered ${upload.status} ${JSON.stringify(uploaded)}`;
    say(
      `uploaded ${uploaded.accepted} labelled news headlines (${uploaded.rejected} outside the 41 categories left out)`,
    );
    const res = await call("/api/v1/model/train", {
      method: "POST",
      body: JSON.stringify({ include_feedback: false }),
    });
    const created = (await res.json()) as { training_job_id?: string; status?: string; error?: string | null };
    if (!created.training_job_id) return `first classifier not trained: ${res.status} ${JSON.stringify(created)}`;
    if (created.status === "failed") return `first classifier not trained: ${created.error}`;
    say(`training the first classifier on the news sample (job ${created.training_job_id})`);
    while (Date.now() < deadline) {
      const { status, body: job } = await get<JobStatus>(`/api/v1/model/train/${created.training_job_id}`);
      if (status !== 200) return `first classifier: job status answered ${status}`;
      if (job.status === "failed" || job.status === "cancelled") return `first classifier ${job.status}: ${job.error}`;
      if (job.status === "completed" && job.model_version) {
        const m = job.metrics;
        return (
          `first classifier ${job.model_version} trained on the news sample and deployed ` +
          `(validation accuracy ${m.accuracy?.toFixed(3)}, macro-F1 ${m.f1_score?.toFixed(3)}); try POST /api/v1/predict`
        );
      }
      await sleep(2000);
    }
    return "first classifier: still training after 10 minutes (see GET /api/v1/model/train/{job_id})";
  } catch (e) {
    return `first classifier not trained: ${(e as Error).message}`;
  }
}
