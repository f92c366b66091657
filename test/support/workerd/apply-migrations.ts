import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The setup file of every workerd project (workers, ingest, dispatch): each binds DB and
// TEST_MIGRATIONS (test/support/workers.ts). Setup files run before each test file;
// applyD1Migrations skips migrations already applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
