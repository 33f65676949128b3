// Prisma CLI configuration. Only `prisma generate` is run through the CLI here;
// migrations go through scripts/db/migrate.ts (WebAssembly schema engine).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
