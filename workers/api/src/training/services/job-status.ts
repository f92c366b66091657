import type { TrainingJob } from "@edge-ml/core/training/jobs";

/** classifier-api.md's job status, plus the additive fields (TrainingJobStatus in core/schemas). */
export function jobStatusBody(row: TrainingJob, correlationId: string, now = Date.now()) {
  return {
    training_job_id: row.id,
    status: row.status,
    progress: row.progress,
    current_epoch: row.currentEpoch,
    total_epochs: row.totalEpochs,
    metrics: row.metrics,
    started_at: row.startedAt,
    estimated_completion: estimatedCompletion(row, now),
    correlation_id: correlationId,
    model_type: row.modelType,
    hyperparameters: row.hyperparameters,
    data_range: row.dataRange,
    history: row.history,
    error: row.error,
    model_version: row.modelVersion,
    estimated_duration_minutes: row.estimatedDurationMinutes,
    created_at: row.createdAt,
    finished_at: row.finishedAt,
    warnings: row.warnings,
  };
}

function estimatedCompletion(row: TrainingJob, now: number): string | null {
  if (row.status === "queued") return null;
  if (row.status !== "running") return row.finishedAt;
  const started = row.startedAt ? Date.parse(row.startedAt) : Date.parse(row.updatedAt);
  if (row.progress > 0 && row.progress <= 1) {
    return new Date(started + Math.max(0, now - started) / row.progress).toISOString();
  }
  return new Date(started + row.estimatedDurationMinutes * 60_000).toISOString();
}
