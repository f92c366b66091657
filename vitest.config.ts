import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Two projects:
 * - `workers`: tests that run inside workerd against the real local D1, R2, Queues and
 *   Durable Objects of the api worker (wrangler.toml), migrations applied in setup;
 * - `e2e`: Node tests that start the whole platform with `npm start` and call it over HTTP.
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      // Request logs are one JSON line per request: useful in production, noise in a test run.
      onConsoleLog: (log: string) => !log.includes('"message":"Request processed"'),
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              remoteBindings: false,
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789abcdef",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["workers/*/test/**/*.test.ts", "core/**/*.test.ts"],
            setupFiles: ["./workers/api/test/apply-migrations.ts"],
          },
        },
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            testTimeout: 120_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
