import { useState } from "hono/jsx/dom";
import type { ConsoleContext, ConsolePage } from "../context";
import { ResultsView } from "./experiments/results-view";
import { ShadowReport } from "./experiments/shadow-report";
import "./experiments/experiments.css";

// The experiment shown lives in the address (?id=…): the API has no list of experiments, so an id is how one
// is opened, and a link to its results can be shared.
const idInAddress = () => new URLSearchParams(location.search).get("id") ?? "";

/** Experiments: one experiment's results (intervals, SRM, verdict) and the shadow reports. Admins only, as the API is. */
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
  const open = (e: Event) => {
    e.preventDefault();
    const next = String(new FormData(e.target as HTMLFormElement).get("experiment_id") ?? "").trim();
    history.replaceState(null, "", next ? `/app/experiments?id=${encodeURIComponent(next)}` : "/app/experiments");
    setId(next);
  };
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Experiments</h1>
      {/* Opening results reads only: a viewer-safe form (admins only reach this page's data anyway). */}
      <form class="card open-experiment" role="search" aria-label="Open an experiment" onSubmit={open}>
        <label for="experiment-id">Experiment id</label>
        <input id="experiment-id" name="experiment_id" value={id} placeholder="exp_…" required maxLength={64} />
        <button type="submit" class="btn btn-primary">
          Open results
        </button>
      </form>
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
