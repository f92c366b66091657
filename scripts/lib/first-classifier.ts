import { apiClient, sleep } from "./api-client";
import { newsSample } from "./sample-data";

/** Tries of the labelled sample's upload (idempotent) before the first run gives up on it. */
const UPLOAD_ATTEMPTS = 4;

/**
 * `npm start`'s first run, for text classification: uploads the labelled news sample
 * (POST /api/v1/model/training-data), trains the first classifier on it
 * (POST /api/v1/model/train), and follows the job (GET /api/v1/model/train/{job_id}). The
 * tenant's first classifier is deployed when it is registered, so /api/v1/predict answers once
 * this returns. Returns a one-line summary; never throws.
 */
export async function trainFirstClassifier(
  base: string,
  apiKey: string,
  say: (line: string) => void,
  timeoutMs = 600_000,
): Promise<string> {
  const api = apiClient(base, apiKey);
  const deadline = Date.now() + timeoutMs;
  try {
    // NDJSON, sent as it is: the route's other media type (the typed body is its JSON one).
    const send = () =>
      api.POST("/api/v1/model/training-data", {
        body: newsSample(),
        bodySerializer: (body) => body as string,
        headers: { "content-type": "application/x-ndjson" },
      });
    // Right after the first recommender's status polls the model routes' 10 a minute were
    // spent: the upload was refused (429), and its retry once failed as a network error
    // ("fetch failed") on a slow machine. An upload is idempotent (its id is the hash of its
    // rows), so it is sent again.
    let upload: Awaited<ReturnType<typeof send>> | undefined;
    for (let attempt = 1; !upload; attempt++) {
      try {
        upload = await send();
      } catch (e) {
        if (attempt >= UPLOAD_ATTEMPTS || Date.now() > deadline) throw e;
        say(`uploading the labelled news sample failed (${(e as Error).message}); trying again in 10 s`);
        await sleep(10_000);
      }
    }
    const uploaded = upload.data;
    if (!uploaded)
      return `first classifier not trained: the upload answered ${upload.response.status} ${JSON.stringify(upload.error)}`;
    say(
      `uploaded ${uploaded.accepted} labelled news headlines (${uploaded.rejected} outside the 41 categories left out)`,
    );
    const res = await api.POST("/api/v1/model/train", { body: { include_feedback: false } });
    const created = res.data;
    if (!created) return `first classifier not trained: ${res.response.status} ${JSON.stringify(res.error)}`;
    if (created.status === "failed") return `first classifier not trained: ${created.error}`;
    say(`training the first classifier on the news sample (job ${created.training_job_id})`);
    while (Date.now() < deadline) {
      const { data: job, response } = await api.GET("/api/v1/model/train/{job_id}", {
        params: { path: { job_id: created.training_job_id } },
      });
      if (!job) return `first classifier: job status answered ${response.status}`;
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
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return `first classifier not trained: ${(e as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ""}`;
  }
}
