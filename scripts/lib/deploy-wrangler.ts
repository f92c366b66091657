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
