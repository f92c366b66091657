import { useState } from "hono/jsx/dom";
import type { ConsoleContext, ConsolePage } from "../context";
import { ExperimentList } from "./experiments/experiment-list";
import { ResultsView } from "./experiments/results-view";
import { ShadowReport } from "./experiments/shadow-report";
import "./experiments/experiments.css";

// The experiment shown lives in the address (?id=…), so a link to its results can be shared.
const idInAddress = () => new URLSearchParams(location.search).get("id") ?? "";

/** Experiments: the list, one experiment's results (intervals, SRM, verdict) and the shadow reports. Admins only, as the API is. */
function Experiments({ ctx }: { ctx: ConsoleContext }) {
  const [id, setId] = useState(idInAddress());
  if (ctx.user.role !== "admin") {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">Experiments</h1>
        <p class="note">Experiment results and shadow reports need the admin role.</p>
      </section>
    );
  }
  const open = (next: string) => {
    history.replaceState(null, "", `/app/experiments?id=${encodeURIComponent(next)}`);
    setId(next);
  };
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Experiments</h1>
      <ExperimentList ctx={ctx} selected={id} onOpen={open} />
      {id && <ResultsView ctx={ctx} experimentId={id} />}
      <ShadowReport ctx={ctx} />
    </section>
  );
}

export const page: ConsolePage = {
  path: "/app/experiments",
  title: "Experiments",
  Component: ({ ctx }) => <Experiments ctx={ctx} />,
};
