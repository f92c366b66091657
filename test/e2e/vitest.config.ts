import { defineConfig } from "vitest/config";

/** `e2e`: Node tests that start the whole platform with `npm start` and call it over HTTP. */
export default defineConfig({
  test: {
    name: "e2e",
    environment: "node",
    include: ["**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
