// Everything the server answers, read from the source tree and the build at
// test time: pages and route handlers from app/, the endpoints server.ts
// serves before Next (lib/http/lean-endpoints.ts), and every server action
// (exported functions of "use server" files), with the id Next's build gave
// it in .next/server/server-reference-manifest.json.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { endpointMethod, endpointPath, leanEndpoints, ofrepEndpoints } from "../../lib/http/lean-endpoints";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SOURCE_DIRS = ["app", "lib", "components"];
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export type PageEntry = { key: string; pattern: string; file: string };
export type RouteEntry = { key: string; method: string; pattern: string; file: string };
export type ActionEntry = { key: string; file: string; name: string; id: string; pages: string[] };

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(path.relative(ROOT, full).split(path.sep).join("/"));
  }
  return out;
}

/** app/p/[project]/queue/page.tsx → /p/[project]/queue (route groups and private folders dropped). */
function urlPattern(file: string): string {
  const segments = file
    .split("/")
    .slice(1, -1)
    .filter((s) => !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}

function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function|const|let)\s+([A-Z]+)\b/g)) found.add(m[1]!);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name) found.add(name);
    }
  }
  return METHODS.filter((method) => found.has(method));
}

export function pages(): PageEntry[] {
  return walk(path.join(ROOT, "app"))
    .filter((f) => /\/page\.(tsx|ts|jsx|js)$/.test(f))
    .map((file) => ({ key: urlPattern(file), pattern: urlPattern(file), file }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

export function routes(): RouteEntry[] {
  const out = new Map<string, RouteEntry>();
  for (const file of walk(path.join(ROOT, "app")).filter((f) => /\/route\.(ts|js)$/.test(f))) {
    const pattern = urlPattern(file);
    for (const method of exportedMethods(readFileSync(path.join(ROOT, file), "utf8"))) {
      out.set(`${method} ${pattern}`, { key: `${method} ${pattern}`, method, pattern, file });
    }
  }
  // Served by server.ts before Next (the lean copies have Next routes too; OFREP has none).
  for (const endpoint of [...leanEndpoints, ...Object.values(ofrepEndpoints)]) {
    if (out.has(endpoint)) continue;
    out.set(endpoint, {
      key: endpoint,
      method: endpointMethod(endpoint),
      pattern: endpointPath(endpoint),
      file: "lib/http/lean-endpoints.ts",
    });
  }
  return [...out.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Exported functions of every "use server" module, as "file#name". */
export function actionsInSource(): string[] {
  const out: string[] = [];
  for (const dir of SOURCE_DIRS) {
    for (const file of walk(path.join(ROOT, dir)).filter((f) => /\.(ts|tsx)$/.test(f))) {
      const source = readFileSync(path.join(ROOT, file), "utf8");
      if (!/^\s*(?:\/\/[^\n]*\n\s*)*["']use server["']/.test(source)) continue;
      for (const m of source.matchAll(/export\s+(?:async\s+)?function\s+(\w+)/g)) out.push(`${file}#${m[1]}`);
      for (const m of source.matchAll(/export\s+const\s+(\w+)\s*=/g)) out.push(`${file}#${m[1]}`);
    }
  }
  return out.sort();
}

type ManifestEntry = { workers: Record<string, unknown>; filename?: string; exportedName?: string };

/** Actions as the build knows them: id, module and the pages whose bundles carry them. */
export function actions(): ActionEntry[] {
  const manifestPath = path.join(ROOT, ".next/server/server-reference-manifest.json");
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run \`npm run build\` first`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { node: Record<string, ManifestEntry> };
  return Object.entries(manifest.node)
    .map(([id, entry]) => {
      const key = `${entry.filename ?? "?"}#${entry.exportedName ?? "?"}`;
      const pageWorkers = Object.keys(entry.workers).filter((w) => w.startsWith("app/") && w.endsWith("/page"));
      return {
        key,
        file: entry.filename ?? "?",
        name: entry.exportedName ?? "?",
        id,
        pages: pageWorkers.map((w) => urlPattern(`${w}.tsx`)),
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}
