import { createInterface } from "node:readline/promises";
import { DeployRefusal } from "./deploy-wrangler";

/**
 * What only the user knows: where the trainer runs and where the api is public. Each comes
 * from a flag (`--trainer-url=...`), else the environment variable of the same name, else a
 * prompt when a person is at the terminal; a non-interactive run without it refuses before
 * anything is created. They are deployed as [vars] of the workers that declare them
 * (`wrangler deploy --var`), so the configs keep their local defaults for `npm start`.
 */
export const URL_INPUTS = {
  TRAINER_URL: {
    flag: "--trainer-url",
    what: "the trainer's URL, reachable from Cloudflare (docs/deploy.md, 'The trainer')",
  },
  PUBLIC_URL: {
    flag: "--public-url",
    what: "the api's public URL, which the trainer calls back (https://edge-ml-api.<your-subdomain>.workers.dev or your domain)",
  },
} as const;

export type UrlInputs = Record<keyof typeof URL_INPUTS, string>;

function flagValue(argv: string[], flag: string): string | undefined {
  const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i < 0) return undefined;
  return argv[i]!.includes("=") ? argv[i]!.slice(flag.length + 1) : argv[i + 1];
}

/** Why `value` cannot be a production URL, or undefined when it can. */
export function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be http(s)";
  if (/^(localhost|127\.|\[::1\]|0\.0\.0\.0)/.test(url.hostname)) return "is this machine: Cloudflare cannot reach it";
  return undefined;
}

export const interactive = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

/** One line from the terminal, or undefined when nobody is there to answer. */
export async function ask(question: string): Promise<string | undefined> {
  if (!interactive()) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(`\x1b[36m[deploy]\x1b[0m ${question}: `)).trim() || undefined;
  } finally {
    rl.close();
  }
}

export async function urlInputs(argv: string[]): Promise<UrlInputs> {
  const out: Partial<UrlInputs> = {};
  for (const [name, input] of Object.entries(URL_INPUTS) as [keyof UrlInputs, (typeof URL_INPUTS)[keyof UrlInputs]][]) {
    const value = flagValue(argv, input.flag) ?? process.env[name] ?? (await ask(`${name}, ${input.what}`));
    if (!value) {
      throw new DeployRefusal(
        `${name} is needed: ${input.what}. Pass ${input.flag}=<url> or set ${name}=<url> (no terminal to ask at).`,
      );
    }
    const problem = urlProblem(value);
    if (problem) throw new DeployRefusal(`${name} ${value} ${problem}`);
    out[name] = value.replace(/\/+$/, "");
  }
  return out as UrlInputs;
}
