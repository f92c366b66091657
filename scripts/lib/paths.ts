import path from "node:path";

/**
 * Where the local platform keeps its state. EDGE_ML_HOME lets tests and parallel runs
 * use their own folder; the default is .edge-ml/ in the project (git-ignored).
 */
export function homeDir(): string {
  return path.resolve(process.env.EDGE_ML_HOME ?? ".edge-ml");
}

/** D1, R2, Queues and Durable Object storage of `wrangler dev` and the local migrations. */
export function stateDir(): string {
  return path.join(homeDir(), "state");
}

/** The bootstrapped tenant's credentials (printed once, reused on restart). */
export function credentialsFile(): string {
  return path.join(homeDir(), "credentials.json");
}
