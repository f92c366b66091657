import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** data/catalog as items, and synthetic events over them (scripts/lib/sample-data.ts). */
      TEST_SAMPLE_DATA: {
        items: { item_id: string; title: string; description: string; category: string; tags: string[] }[];
        events: { user_id: string; item_id: string; interaction_type: string; timestamp: string }[];
      };
    }
  }
}
