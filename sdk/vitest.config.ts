// The SDK's own test run: `npx vitest run --config sdk/vitest.config.ts` from
// the repository root (or `npx vitest run` inside sdk/).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "sdk",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["src/**/*.test.ts"],
    environment: "node",
    testTimeout: 10_000,
  },
});
