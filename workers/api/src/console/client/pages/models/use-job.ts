import { useEffect, useState } from "hono/jsx/dom";
import { unwrap, type components } from "../../api";
import type { ConsoleContext } from "../../context";
import { patiently } from "../../patiently";

export type Job = components["schemas"]["TrainingJobStatus"];
const FINISHED: Job["status"][] = ["completed", "failed", "cancelled"];

// Status reads share the tenant's /api/v1/model/* limit (10 a minute on starter and pro): a read every 5 s,
// and when limited, what Retry-After says (patiently). Training on the sample data takes tens of seconds.
const POLL_MS = 5000;

/** Watches one training job until it finishes; `onFinished` runs once, with the final status. */
export function useJob(ctx: ConsoleContext, jobId: string | undefined, onFinished: (job: Job) => void) {
  const [job, setJob] = useState<Job | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    if (!jobId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setJob(undefined);
    const poll = async () => {
      try {
        const next = await unwrap(
          patiently(
            () => ctx.api.GET("/api/v1/model/train/{job_id}", { params: { path: { job_id: jobId } } }),
            120_000,
          ),
        );
        if (!live) return;
        setJob(next);
        setError(undefined);
        if (FINISHED.includes(next.status)) return onFinished(next);
      } catch (err) {
        if (live) setError(err);
        return;
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [jobId]);
  return { job, error };
}
