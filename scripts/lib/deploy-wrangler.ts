import { run, wrangler } from "./run";

/**
 * Every Cloudflare call of `npm run deploy` goes through `cf`. EDGE_ML_WRANGLER names another
 * executable to run instead of the project's wrangler: the deploy test puts a recording
 * stand-in there, since nothing here may reach Cloudflare.
 */
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

export function cf(args: string[], options: { quiet?: boolean } = {}): Promise<string> {
  const quiet = options.quiet ?? true;
  const stand_in = process.env.EDGE_ML_WRANGLER;
  return stand_in ? run(stand_in, args, { quiet, env }) : wrangler(args, { quiet, env });
}

/**
 * The JSON a `--json` (or `secret list`) call prints. wrangler logs warnings (an out-of-date
 * version, say) into the same output, so the JSON is cut out of it: from the first line that
 * opens an array or object, as far as it parses. Without JSON, `fallback` if given
 * (`list-metadata-index` of an index with none prints nothing useful), else an error.
 */
export async function cfJson<T>(args: string[], fallback?: T): Promise<T> {
  const out = await cf(args);
  const lines = out.split("\n");
  const first = lines.findIndex((l) => /^\s*[[{]/.test(l));
  // The longest block from there that parses: a warning after it may end in "]" too.
  for (let last = lines.length; first >= 0 && last > first; last--) {
    try {
      return JSON.parse(lines.slice(first, last).join("\n")) as T;
    } catch {
      // shorter
    }
  }
  if (fallback !== undefined) return fallback;
  throw new Error(`wrangler ${args.join(" ")} printed no JSON:\n${out}`);
}

/**
 * True when a create failed only because the resource is there already (another run, or a
 * list that missed it). Cloudflare words it per product: D1 "A database with that name
 * already exists", others "already exists" / "already taken" / "you already own it".
 */
export function alreadyExists(error: unknown): boolean {
  return /already exists|already taken|already own/i.test(String((error as Error)?.message ?? error));
}

/** Runs a create; "already exists" counts as done, which is what makes a re-run safe. */
export async function create(what: string, args: string[]): Promise<void> {
  step(`creating ${what}`);
  try {
    await cf(args);
  } catch (e) {
    if (!alreadyExists(e)) throw e;
    step(`${what} already exists`);
  }
}

export const step = (text: string) => console.log(`\x1b[36m[deploy]\x1b[0m ${text}`);

/** A refusal the user can act on: printed without a stack trace. */
export class DeployRefusal extends Error {}
