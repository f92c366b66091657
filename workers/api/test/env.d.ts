// The api project's test-only bindings (workers/api/vitest.config.ts); TEST_MIGRATIONS is
// every workerd project's (test/support/workerd/env.d.ts).
declare global {
  namespace Cloudflare {
    interface Env {
      /** data/catalog as items, and synthetic events over them (scripts/lib/sample-data.ts). */
      TEST_SAMPLE_DATA: {
        items: { item_id: string; title: string; description: string; category: string; tags: string[] }[];
        events: { user_id: string; item_id: string; interaction_type: string; timestamp: string }[];
      };
    }
  }
}

export {};
