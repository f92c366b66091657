import { type components } from "../../api";
import { Button, DataTable } from "../../components";

export type Version = components["schemas"]["ModelVersion"];

const metricText = (metrics: Record<string, number>) =>
  Object.entries(metrics)
    .map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(3)}`)
    .join(", ") || "—";

/** One kind's versions, newest first, with their metrics; admins get a Deploy button on every other version. */
export function VersionsTable({
  kind,
  versions,
  canDeploy,
  onDeploy,
}: {
  kind: "recommender" | "classifier";
  versions: Version[];
  canDeploy: boolean;
  onDeploy: (v: Version) => void;
}) {
  const columns = [
    { header: "Version", cell: (v: Version) => <code>{v.version}</code> },
    {
      header: "Status",
      cell: (v: Version) =>
        v.is_production ? <strong class="badge badge-live">deployed</strong> : <span class="badge">{v.status}</span>,
    },
    { header: "Type", cell: (v: Version) => v.model_type },
    { header: "Metrics", cell: (v: Version) => metricText(v.metrics) },
    { header: "Created", cell: (v: Version) => v.created_at.replace("T", " ").slice(0, 16) },
    ...(canDeploy
      ? [
          {
            header: "Actions",
            cell: (v: Version) =>
              v.is_production ? (
                "—"
              ) : (
                <Button onClick={() => onDeploy(v)} label={`Deploy ${kind} ${v.version}`}>
                  Deploy
                </Button>
              ),
          },
        ]
      : []),
  ];
  return (
    <DataTable
      caption={`${kind === "recommender" ? "Recommender" : "Classifier"} versions, newest first`}
      columns={columns}
      rows={versions}
      rowKey={(v) => `${v.kind}:${v.version}`}
      empty="no versions trained yet."
    />
  );
}
