// The peer in bench:flags: Unleash's open-source server, installed from npm
// into .data/bench/unleash on first use (not a dependency of Rampart), run on
// this machine against its own Postgres database, with the same shape of
// flags (10 at a 50 % gradual rollout) — measured in the same run as ours:
//   - its server-side evaluation endpoint GET /api/frontend at the same concurrency;
//   - how long its Node SDK takes to see a toggle, with default polling and with a 1 s interval
//     (its open-source server has no streaming).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { percentile } from "./http-load";
import { rawRequest, runRawLoad, summarizeRaw } from "./raw-load";

const UNLEASH_SERVER = "unleash-server@7.5.1";
const UNLEASH_CLIENT = "unleash-client@6.12.1";
const DIR = path.resolve(".data/bench/unleash");
const PORT = Number(process.env.BENCH_UNLEASH_PORT ?? 4242);
const BASE = `http://127.0.0.1:${PORT}`;
const ADMIN = "*:*.bench-admin-token";
const CLIENT = "*:development.bench-client-token";
const FRONTEND = "*:development.bench-frontend-token";
const TOGGLE = "bench-toggle";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round2 = (n: number) => Number(n.toFixed(2));

function install(): void {
  if (existsSync(path.join(DIR, "node_modules/unleash-server/package.json")) && existsSync(path.join(DIR, "node_modules/unleash-client/package.json"))) return;
  mkdirSync(DIR, { recursive: true });
  writeFileSync(path.join(DIR, "package.json"), JSON.stringify({ name: "rampart-bench-unleash", private: true }));
  console.error(`[bench:flags] installing ${UNLEASH_SERVER} and ${UNLEASH_CLIENT} into ${DIR} (first run only)…`);
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--save-exact", UNLEASH_SERVER, UNLEASH_CLIENT], { cwd: DIR, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`npm install of ${UNLEASH_SERVER} failed`);
}

async function freshDatabase(databaseUrl: string): Promise<string> {
  const admin = new URL(databaseUrl);
  const name = "rampart_bench_unleash";
  admin.pathname = "/postgres";
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(databaseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function startServer(databaseUrl: string): Promise<ChildProcess> {
  const u = new URL(databaseUrl);
  const script = `
    const { start } = await import("unleash-server");
    await start({
      db: { user: ${JSON.stringify(decodeURIComponent(u.username) || "postgres")}, password: ${JSON.stringify(decodeURIComponent(u.password))}, host: ${JSON.stringify(u.hostname)}, port: ${Number(u.port || 5432)}, database: ${JSON.stringify(u.pathname.slice(1))}, ssl: false },
      server: { port: ${PORT} },
      logLevel: "error",
      authentication: { initApiTokens: [
        { environment: "*", projects: ["*"], secret: ${JSON.stringify(ADMIN)}, type: "admin", tokenName: "admin" },
        { environment: "development", projects: ["*"], secret: ${JSON.stringify(CLIENT)}, type: "client", tokenName: "client" },
        { environment: "development", projects: ["*"], secret: ${JSON.stringify(FRONTEND)}, type: "frontend", tokenName: "frontend" },
      ] },
    });`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: DIR, stdio: ["ignore", "ignore", "ignore"], env: { ...process.env, NODE_ENV: "production" } });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error("Unleash exited during start-up");
    const ok = await fetch(`${BASE}/health`).then((r) => r.ok, () => false);
    if (ok) return child;
    await sleep(500);
  }
  child.kill("SIGKILL");
  throw new Error("Unleash did not start within 2 minutes");
}

async function admin(method: string, p: string, body?: unknown) {
  const res = await fetch(`${BASE}/api/admin${p}`, { method, headers: { authorization: ADMIN, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`Unleash admin ${method} ${p}: ${res.status} ${await res.text()}`);
}

async function createFlags(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const name = `bench-release-${i}`;
    await admin("POST", "/projects/default/features", { name });
    await admin("POST", `/projects/default/features/${name}/environments/development/strategies`, {
      name: "flexibleRollout",
      parameters: { rollout: "50", stickiness: "default", groupId: name },
    });
    await admin("POST", `/projects/default/features/${name}/environments/development/on`);
  }
  await admin("POST", "/projects/default/features", { name: TOGGLE });
  await admin("POST", `/projects/default/features/${TOGGLE}/environments/development/strategies`, { name: "default", parameters: {} });
  await admin("POST", `/projects/default/features/${TOGGLE}/environments/development/on`);
}

type UnleashClient = { isEnabled(name: string, ctx?: Record<string, string>): boolean; destroy(): void; on(e: string, f: () => void): void };

/** Time from an admin toggle returning to every Node SDK client seeing it, for `rounds` toggles. */
async function sdkPropagation(clients: number, rounds: number, refreshInterval: number | undefined) {
  const require = createRequire(path.join(DIR, "package.json"));
  const { Unleash } = require("unleash-client") as { Unleash: new (o: Record<string, unknown>) => UnleashClient };
  const list = Array.from({ length: clients }, (_, i) => {
    const c = new Unleash({
      url: `${BASE}/api/`,
      appName: `rampart-bench-${i}`,
      customHeaders: { Authorization: CLIENT },
      disableMetrics: true,
      ...(refreshInterval === undefined ? {} : { refreshInterval }),
    });
    c.on("error", () => {});
    return c;
  });
  try {
    await Promise.all(list.map((c) => new Promise<void>((r) => c.on("synchronized", () => r()))));
    const seen: number[] = [];
    let on = true;
    for (let round = 0; round < rounds; round++) {
      on = !on;
      // A toggle lands at a random point of the clients' polling cycle, as in real life.
      await sleep(Math.random() * (refreshInterval ?? 15_000));
      await admin("POST", `/projects/default/features/${TOGGLE}/environments/development/${on ? "on" : "off"}`);
      const changed = performance.now();
      const at = new Array<number>(clients).fill(0);
      const deadline = changed + 60_000;
      while (at.some((t) => t === 0) && performance.now() < deadline) {
        list.forEach((c, i) => {
          if (!at[i] && c.isEnabled(TOGGLE, { userId: `u${i}` }) === on) at[i] = performance.now();
        });
        await sleep(2);
      }
      if (at.some((t) => t === 0)) throw new Error(`Unleash clients did not see round ${round} within 60 s`);
      seen.push(...at.map((t) => t - changed));
    }
    seen.sort((a, b) => a - b);
    return { clients, rounds, refreshIntervalMs: refreshInterval ?? "default (15000)", p50Ms: round2(percentile(seen, 50)), p99Ms: round2(percentile(seen, 99)), maxMs: round2(seen.at(-1)!) };
  } finally {
    list.forEach((c) => c.destroy());
  }
}

export async function benchUnleash(opts: { databaseUrl: string; seconds: number; concurrency: number }) {
  install();
  const child = await startServer(await freshDatabase(opts.databaseUrl));
  try {
    await createFlags();
    await sleep(1_500); // its frontend API refreshes its own cache of flags
    const url = new URL(`${BASE}/api/frontend`);
    const requests = Array.from({ length: 2_000 }, () => rawRequest("GET", url, `/api/frontend?userId=${randomUUID()}&appName=bench`, { authorization: FRONTEND }));
    await runRawLoad({ url: url.toString(), concurrency: opts.concurrency, seconds: 2, requests }); // warm-up
    const frontend = { concurrency: opts.concurrency, ...summarizeRaw(await runRawLoad({ url: url.toString(), concurrency: opts.concurrency, seconds: opts.seconds, requests })) };
    const clients = Number(process.env.BENCH_UNLEASH_CLIENTS ?? 20);
    const fast = await sdkPropagation(clients, 5, 1_000);
    const standard = process.env.BENCH_UNLEASH_DEFAULT_POLLING === "0" ? null : await sdkPropagation(clients, 3, undefined);
    return { server: UNLEASH_SERVER, client: UNLEASH_CLIENT, frontendApiEvaluation: frontend, sdkPropagationPolling1s: fast, sdkPropagationDefaultPolling: standard };
  } finally {
    child.kill("SIGTERM");
    await sleep(500);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}
