import { useEffect, useState } from "hono/jsx/dom";
import { unwrap } from "../api";
import { Button, ConfirmDialog, ErrorBanner, Loading, useLoad } from "../components";
import type { ConsoleContext, ConsolePage } from "../context";
import { JobProgress } from "./models/job-progress";
import { JobsTable } from "./models/jobs-table";
import { useJob, type Job } from "./models/use-job";
import { patiently } from "../patiently";
import { TrainForm } from "./models/train-form";
import { VersionsTable, type Version } from "./models/versions-table";
import "./models/models.css";

type Kind = Version["kind"];
type Pending = { action: "deploy"; version: Version } | { action: "rollback"; kind: Kind };

// The job being watched lives in the address (?job=…), so a reload or a shared link keeps watching it.
const jobInAddress = () => new URLSearchParams(location.search).get("job") ?? undefined;

/**
 * Models: train (admins), the latest training jobs, a job's live progress and loss curve, and the registry of both kinds with deploy
 * and rollback behind a confirmation. Viewers and developers see the same data without the controls (the
 * routes that change models need the admin permission).
 */
function Models({ ctx }: { ctx: ConsoleContext }) {
  const isAdmin = ctx.canWrite && ctx.user.role === "admin";
  const [jobId, setJobId] = useState<string | undefined>(jobInAddress());
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const versions = useLoad(() =>
    unwrap(patiently(() => ctx.api.GET("/api/v1/model/versions", { params: { query: { limit: 50 } } }))).then(
      (l) => l.versions,
    ),
  );
  const jobs = useLoad(() =>
    unwrap(patiently(() => ctx.api.GET("/api/v1/model/train", { params: { query: { limit: 10 } } }))).then(
      (l) => l.jobs,
    ),
  );
  // With no job in the address, the newest one still queued or running is watched (npm start's, another admin's).
  useEffect(() => {
    if (jobId || !jobs.data) return;
    const live = jobs.data.find((j) => j.status === "queued" || j.status === "running");
    if (live) setJobId(live.training_job_id);
  }, [jobs.data]);

  const watch = (id: string) => {
    history.replaceState(null, "", `/app/models?job=${encodeURIComponent(id)}`);
    setJobId(id);
  };
  // Every model route shares a 10-a-minute tenant limit: the watched job's reads also keep its row in the
  // jobs table current, and only a finished job costs one more read (the versions, for the new one).
  const live = useJob(ctx, jobId, () => versions.reload());
  const jobRows = mergeJob(jobs.data, live.job);
  const confirm = async (p: Pending) => {
    setPending(undefined);
    setError(undefined);
    try {
      const done =
        p.action === "deploy"
          ? await unwrap(
              patiently(() =>
                ctx.api.POST("/api/v1/model/deploy/{version}", {
                  params: { path: { version: p.version.version } },
                  body: { kind: p.version.kind },
                }),
              ),
            )
          : await unwrap(patiently(() => ctx.api.POST("/api/v1/model/rollback", { body: { kind: p.kind } })));
      setMessage(done.message);
      versions.reload();
    } catch (err) {
      setError(err);
    }
  };

  const byKind = (kind: Kind) => (versions.data ?? []).filter((v) => v.kind === kind);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Models</h1>
      {!isAdmin && <p class="note">Training, deploying and rolling back need the admin role.</p>}
      <div class="models-top">
        {isAdmin && <TrainForm ctx={ctx} onStarted={watch} />}
        {jobId && <JobProgress jobId={jobId} job={live.job} error={live.error} />}
      </div>
      <section class="jobs" aria-labelledby="jobs-title">
        <h2 id="jobs-title">Training jobs</h2>
        <ErrorBanner error={jobs.error} />
        {jobs.loading && !jobs.data && <Loading what="training jobs" />}
        {jobRows && <JobsTable jobs={jobRows} watching={jobId} onWatch={watch} />}
      </section>
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      <ErrorBanner error={error ?? versions.error} />
      {versions.loading && !versions.data && <Loading what="model versions" />}
      {versions.data &&
        (["recommender", "classifier"] as const).map((kind) => (
          <section class="versions" aria-labelledby={`versions-${kind}`}>
            <h2 id={`versions-${kind}`}>{kind === "recommender" ? "Recommender versions" : "Classifier versions"}</h2>
            <VersionsTable
              kind={kind}
              versions={byKind(kind)}
              canDeploy={isAdmin}
              onDeploy={(version) => setPending({ action: "deploy", version })}
            />
            {isAdmin && byKind(kind).some((v) => v.status === "archived") && (
              <Button variant="danger" onClick={() => setPending({ action: "rollback", kind })}>
                {`Roll back the ${kind}`}
              </Button>
            )}
          </section>
        ))}
      {pending && (
        <ConfirmDialog
          title={pending.action === "deploy" ? `Deploy ${pending.version.version}?` : `Roll back the ${pending.kind}?`}
          confirmLabel={pending.action === "deploy" ? "Deploy" : "Roll back"}
          onConfirm={() => void confirm(pending)}
          onCancel={() => setPending(undefined)}
        >
          <p>
            {pending.action === "deploy"
              ? `Production ${pending.version.kind} traffic switches to ${pending.version.version} at once; the current version is archived.`
              : `Production switches back to the version deployed before the current ${pending.kind}.`}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The listed jobs with the watched one's latest status in its row (first, when it started after the list). */
function mergeJob(listed: Job[] | undefined, job: Job | undefined): Job[] | undefined {
  if (!listed || !job) return listed;
  const others = listed.filter((j) => j.training_job_id !== job.training_job_id);
  const at = listed.findIndex((j) => j.training_job_id === job.training_job_id);
  return at < 0 ? [job, ...others] : [...others.slice(0, at), job, ...others.slice(at)];
}

export const page: ConsolePage = { path: "/app/models", title: "Models", Component: ({ ctx }) => <Models ctx={ctx} /> };
