import { useEffect, useState } from "hono/jsx/dom";

export type Loaded<T> = { data?: T; error?: unknown; loading: boolean; reload: () => void };

/**
 * Runs `load` when the component mounts and again on reload(): the one way pages fetch, so
 * every page shows loading, data and errors the same way.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [tick, ...deps]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
