// Decides whether the production build is current: a hash of every input
// file's path and content (not mtimes: npm install touches the lockfile on
// every run), kept beside the build output.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const INPUTS = ["app", "components", "lib", "workers", "prisma", "scripts/db", "types", "public"];
const FILES = ["server.ts", "package-lock.json", "next.config.ts", "tsconfig.json", "postcss.config.mjs", "proxy.ts", "instrumentation.ts", "instrumentation-client.ts", "scripts/bundle.mjs"];
const STAMP = ".next/rampart-build-stamp";

function walk(dir, out) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (p !== join("lib", "generated")) walk(p, out);
    } else if (!entry.name.endsWith(".test.ts")) out.push(p);
  }
}

export function sourceStamp() {
  const files = [];
  for (const d of INPUTS) walk(d, files);
  for (const f of FILES) if (existsSync(f)) files.push(f);
  const h = createHash("sha256");
  for (const f of files.sort()) {
    h.update(`${f}\0`);
    h.update(readFileSync(f));
  }
  return h.digest("hex");
}

export function buildIsCurrent() {
  return existsSync(STAMP) && existsSync("dist/worker.mjs") && readFileSync(STAMP, "utf8") === sourceStamp();
}

export function writeBuildStamp() {
  writeFileSync(STAMP, sourceStamp());
}
