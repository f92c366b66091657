import path from "node:path";

/** The repository root: the per-worker configs live in subfolders and resolve paths from here. */
export const REPO = path.resolve(import.meta.dirname, "../..");

/** The one setup file of every workerd project: applies the D1 migrations. */
export const APPLY_MIGRATIONS = path.join(REPO, "test/support/workerd/apply-migrations.ts");
