import type { D1Migration } from "cloudflare:test";

// The binding every workerd project adds for the shared setup file (apply-migrations.ts).
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
