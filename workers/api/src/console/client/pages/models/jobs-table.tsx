import { DataTable } from "../../components";
import type { Job } from "./use-job";

const when = (iso: string) => iso.replace("T", " ").slice(0, 16);

/** The latest training jobs of both kinds; each can be watched (its progress and loss curve above). */
export function JobsTable({
  jobs,
  watching,
  onWatch,
}: {
  jobs: Job[];
  watching?: string;
  onWatch: (id: string) => void;
}) {
  return (
    <DataTable
      caption="Training jobs, newest first"
      rows={jobs}
      rowKey={(j) => j.training_job_id}
      empty="no training jobs yet."
      columns={[
        {
          header: "Job",
          cell: (j) => (
            <a
              href={`/app/models?job=${encodeURIComponent(j.training_job_id)}`}
              aria-current={j.training_job_id === watching ? "true" : undefined}
              onClick={(e: MouseEvent) => {
                if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                e.preventDefault();
                onWatch(j.training_job_id);
              }}
            >
              <code>{j.training_job_id.slice(0, 8)}</code>
            </a>
          ),
        },
        { header: "Type", cell: (j) => j.model_type },
        { header: "Status", cell: (j) => j.status },
        { header: "Progress", numeric: true, cell: (j) => `${Math.round(j.progress * 100)}%` },
        { header: "Version", cell: (j) => j.model_version ?? "—" },
        { header: "Created", cell: (j) => when(j.created_at) },
      ]}
    />
  );
}
