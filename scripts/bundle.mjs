// Bundles the worker and the CLI entry points for production start (no
// TypeScript runner at run time). Dependencies stay external in node_modules.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const serverOnlyShim = fileURLToPath(new URL("./shims/server-only.mjs", import.meta.url));

const entries = {
  server: "server.ts",
  worker: "workers/main.ts",
  // Forked by the worker for each export (lib/exports/run-export.ts); must sit beside worker.mjs.
  "export-child": "workers/export-child.ts",
  migrate: "scripts/db/migrate.ts",
  seed: "prisma/seed.ts",
  "audit-verify": "scripts/audit-verify.ts",
};

const started = Date.now();
await build({
  entryPoints: entries,
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  tsconfig: "tsconfig.json",
  plugins: [
    {
      name: "server-only-shim",
      setup(b) {
        b.onResolve({ filter: /^server-only$/ }, () => ({ path: serverOnlyShim }));
      },
    },
  ],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
console.log(`[bundle] ${Object.keys(entries).map((e) => `dist/${e}.mjs`).join(", ")} in ${Date.now() - started} ms`);
