import { defineConfig } from "vitest/config";

/** `trainer`: the Node trainer's own unit tests (spec checks, parameter mapping, reporting). */
export default defineConfig({
  test: { name: "trainer", environment: "node", include: ["test/**/*.test.ts"] },
});
