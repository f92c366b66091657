import { defineConfig } from "drizzle-kit";

// drizzle-kit writes SQL into migrations/, which wrangler applies (`migrations_dir`).
export default defineConfig({
  dialect: "sqlite",
  schema: "./core/db/schema/index.ts",
  out: "./migrations",
});
