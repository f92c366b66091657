import { defineConfig } from "vitest/config";

/** `e2e`: Node tests that start the whole platform with `npm start` and call it over HTTP. */
export default defineConfig({
  test: {
    name: "e2e",
    environment: "node",
    include: ["**/*.test.ts"],
    // One stack at a time, on any machine: two `npm start` stacks side by side starve each
    // other's trainer heartbeats (and `npm test` already runs this project beside the others).
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
