import { LineChart } from "../../charts";
import { ErrorBanner } from "../../components";
import type { Job } from "./use-job";

// One training job, live: a native <progress> (announced with its label), the epoch count, and the loss per
// epoch as it arrives (the job's `history`), drawn by the shared LineChart with its data table.
// The page owns the polling (useJob), so the jobs table shows the same live status without reading again.
export function JobProgress({ jobId, job, error }: { jobId: string; job: Job | undefined; error: unknown }) {
  const progress = job?.progress ?? 0;
  const percent = Math.round(progress * 100);
  const epochs = (job?.history ?? []).filter((h) => typeof h.epoch === "number" && typeof h.loss === "number");
  return (
    <section class="card job" aria-labelledby="job-title" data-testid="training-job">
      <h2 id="job-title">Training job</h2>
      <p class="job-id">
        <code>{jobId}</code>
      </p>
      <ErrorBanner error={error} />
      <label for="job-progress">Training progress</label>
      <div class="job-bar">
        <progress id="job-progress" max={1} value={progress} />
        <output for="job-progress" data-testid="job-percent">{`${percent}%`}</output>
      </div>
      <p role="status" data-testid="job-status">
        {job
          ? `${job.status}: epoch ${job.current_epoch} of ${job.total_epochs}` +
            (job.model_version ? `, version ${job.model_version}` : "") +
            (job.error ? ` (${job.error})` : "")
          : "waiting for the first status…"}
      </p>
      {epochs.length > 0 && (
        <LineChart
          title="Loss per epoch"
          xLabel="Epoch"
          yLabel="Loss"
          yFromZero={false}
          x={epochs.map((h) => h.epoch as number)}
          series={[{ label: "loss", values: epochs.map((h) => h.loss as number) }]}
        />
      )}
    </section>
  );
}
