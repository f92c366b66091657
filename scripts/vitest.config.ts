import { defineConfig } from "vitest/config";

/** `scripts`: Node tests of the project's scripts (the deploy, against a stand-in for wrangler). */
export default defineConfig({
  test: {
    name: "scripts",
    environment: "node",
    include: ["test/**/*.test.ts"],
    // Each test runs the deploy a few times, each a tsx start and some 25 stand-in processes.
    testTimeout: 180_000,
  },
});
