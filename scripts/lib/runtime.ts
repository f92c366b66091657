/**
 * What start.ts needs of a runtime that serves the three workers: when it is gone, and how to
 * stop it. Two implementations: scripts/lib/serve-miniflare.ts (`npm start`) and
 * scripts/lib/serve-wrangler.ts (`npm run dev`, wrangler dev with live reload).
 */
export type RuntimeInput = {
  port: number;
  inspectorPort: number;
  /** D1, R2, Queues and Durable Objects (wrangler's `--persist-to`; the state lives under v3/). */
  persistTo: string;
  /** The process environment of the workers: [secrets] and [vars] overrides of the second configs. */
  env: Record<string, string | undefined>;
  /** `--var` overrides of the api's [vars]. */
  apiVars: Record<string, string>;
  configs: string[];
  buildDir: string;
  log: (text: string) => void;
};

export type Runtime = {
  /** Resolves with an exit code when the runtime is gone (workerd killed, wrangler exited). */
  exited: Promise<number>;
  stop: () => Promise<void>;
};

/** "NAME:value,NAME2:value" (WRANGLER_VARS, used by the benchmarks and e2e tests) as an object. */
export function parseVars(list: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of list.split(",").filter(Boolean)) {
    const i = v.indexOf(":");
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}
