import { useState } from "hono/jsx/dom";
import { unwrap } from "../../api";
import { Button, ErrorBanner } from "../../components";
import type { ConsoleContext } from "../../context";

type Kind = "recommender" | "classifier";

// two_tower and gnn train on the PyTorch trainer (trainer-gpu/): epochs and an embedding size
// rather than ALS's factors, regularization and alpha.
const NEURAL = new Set(["two_tower", "gnn"]);

// Blank fields are left to the trainer: a recommender searches what is not given on a validation split.
const numberField = (data: FormData, name: string): number | undefined => {
  const raw = String(data.get(name) ?? "").trim();
  return raw === "" ? undefined : Number(raw);
};

/** Starts a training job (admins: the trigger routes need the admin permission) and hands back its id. */
export function TrainForm({ ctx, onStarted }: { ctx: ConsoleContext; onStarted: (jobId: string) => void }) {
  const [kind, setKind] = useState<Kind>("recommender");
  const [algorithm, setAlgorithm] = useState("matrix_factorization");
  const neural = NEURAL.has(algorithm);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    setError(undefined);
    setBusy(true);
    try {
      const epochs = numberField(data, "epochs");
      if (kind === "classifier") {
        const started = await unwrap(
          ctx.api.POST("/api/v1/model/train", { body: { include_feedback: true, config: epochs ? { epochs } : {} } }),
        );
        if (started.status === "failed") throw new Error(`Training failed at once: ${started.error}`);
        onStarted(started.training_job_id);
      } else {
        const hyperparameters: Record<string, number> = {};
        for (const name of neural ? ["embedding_dim", "learning_rate"] : ["factors", "regularization", "alpha"]) {
          const value = numberField(data, name);
          if (value !== undefined) hyperparameters[name] = value;
        }
        if (epochs !== undefined) hyperparameters[neural ? "epochs" : "iterations"] = epochs;
        const started = await unwrap(
          ctx.api.POST("/internal/ml/training/trigger", {
            body: {
              tenant_id: ctx.user.tenant_id,
              training_config: { model_type: String(data.get("model_type")) as never, hyperparameters },
            },
          }),
        );
        if (started.status === "failed") throw new Error(`Training failed at once: ${started.error}`);
        onStarted(started.job_id);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card train-form" onSubmit={(e: Event) => void submit(e)} aria-labelledby="train-title">
      <h2 id="train-title">Train a model</h2>
      <label for="train-kind">Model</label>
      <select
        id="train-kind"
        name="kind"
        onChange={(e: Event) => setKind((e.target as HTMLSelectElement).value as Kind)}
      >
        <option value="recommender">Recommender</option>
        <option value="classifier">Classifier</option>
      </select>
      {kind === "recommender" && (
        <>
          <label for="train-type">Algorithm</label>
          <select
            id="train-type"
            name="model_type"
            onChange={(e: Event) => setAlgorithm((e.target as HTMLSelectElement).value)}
          >
            <option value="matrix_factorization">Matrix factorization (implicit ALS)</option>
            <option value="item_to_item">Item to item</option>
            <option value="auto">Auto (try both, keep the best)</option>
            <option value="two_tower">Two-tower (PyTorch trainer)</option>
            <option value="gnn">Graph, LightGCN (PyTorch trainer)</option>
          </select>
          {neural ? (
            <>
              <label for="train-dim">Embedding dimension (blank: the default)</label>
              <input id="train-dim" name="embedding_dim" type="number" min={4} max={512} inputMode="numeric" />
              <label for="train-lr">Learning rate (blank: the default)</label>
              <input id="train-lr" name="learning_rate" type="number" min={0} step="any" />
            </>
          ) : (
            <>
              <label for="train-factors">Factors (blank: tuned)</label>
              <input id="train-factors" name="factors" type="number" min={1} max={512} inputMode="numeric" />
              <label for="train-reg">Regularization (blank: tuned)</label>
              <input id="train-reg" name="regularization" type="number" min={0} step="any" />
              <label for="train-alpha">Alpha (blank: tuned)</label>
              <input id="train-alpha" name="alpha" type="number" min={0} step="any" />
            </>
          )}
        </>
      )}
      <label for="train-epochs">Epochs (blank: the default)</label>
      <input id="train-epochs" name="epochs" type="number" min={1} max={200} inputMode="numeric" />
      <ErrorBanner error={error} />
      <Button type="submit" variant="primary" disabled={busy}>
        {kind === "recommender" ? "Train recommender" : "Train classifier"}
      </Button>
    </form>
  );
}
