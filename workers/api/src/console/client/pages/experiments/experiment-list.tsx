import { unwrap } from "../../api";
import { DataTable, ErrorBanner, Loading, useLoad } from "../../components";
import type { ConsoleContext } from "../../context";

// The fields the list shows (structural: the generated response type spells the range tuple as number[]).
type Experiment = {
  experiment_id: string;
  name: string;
  status: string;
  surfaces: string[];
  variants: Record<string, unknown>;
  created_at: string;
};

/** The tenant's experiments, newest first; each name opens its results (a link: the address names it). */
export function ExperimentList({
  ctx,
  selected,
  onOpen,
}: {
  ctx: ConsoleContext;
  selected: string;
  onOpen: (id: string) => void;
}) {
  const list = useLoad(() =>
    unwrap(ctx.api.GET("/experiments", { params: { query: { limit: 50 } } })).then((l) => l.experiments),
  );
  if (list.error) return <ErrorBanner error={list.error} />;
  if (!list.data) return <Loading what="experiments" />;
  return (
    <DataTable
      caption="Experiments, newest first"
      rows={list.data}
      rowKey={(e: Experiment) => e.experiment_id}
      empty="none yet: create one with POST /experiments."
      columns={[
        {
          header: "Experiment",
          cell: (e: Experiment) => (
            <a
              href={`/app/experiments?id=${encodeURIComponent(e.experiment_id)}`}
              aria-current={e.experiment_id === selected ? "true" : undefined}
              onClick={(ev: MouseEvent) => {
                if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
                ev.preventDefault();
                onOpen(e.experiment_id);
              }}
            >
              {e.name}
            </a>
          ),
        },
        { header: "Status", cell: (e: Experiment) => e.status },
        { header: "Surfaces", cell: (e: Experiment) => e.surfaces.join(", ") },
        { header: "Variants", cell: (e: Experiment) => Object.keys(e.variants).join(", ") },
        { header: "Created", cell: (e: Experiment) => e.created_at.replace("T", " ").slice(0, 16) },
      ]}
    />
  );
}
