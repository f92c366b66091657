import type { Child } from "hono/jsx";
import { useState } from "hono/jsx/dom";
import { ErrorBanner } from "../../components";

/**
 * A labelled form that runs one call and shows its answer below, with the loading state announced: the same
 * frame for search, recommend and predict. `run` gets the form's fields and returns what to render.
 */
export function TryForm({
  id,
  title,
  submitLabel,
  children,
  run,
}: {
  id: string;
  title: string;
  submitLabel: string;
  children: Child;
  run: (fields: FormData) => Promise<Child>;
}) {
  const [result, setResult] = useState<Child>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setResult(await run(new FormData(e.target as HTMLFormElement)));
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card try" aria-labelledby={`${id}-title`} data-testid={`try-${id}`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <form onSubmit={(e: Event) => void submit(e)}>
        {children}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {submitLabel}
        </button>
      </form>
      <div aria-live="polite">
        {busy && <p role="status">Running…</p>}
        <ErrorBanner error={error} />
        {result}
      </div>
    </section>
  );
}
