// The reliability drill (`npm run test:reliability`, issue #11): the built app
// (dist/server.mjs and dist/worker.mjs) against private Postgres and Redis
// instances (scripts/reliability/instances.ts), under a steady load of
// interactions with verdicts, while it is hurt in turn:
//   1. the worker is killed with SIGKILL with triage, SLA and export jobs in
//      flight, and a new one started;
//   2. Redis is killed and comes back empty (no persistence: everything in it
//      is lost, as after a FLUSHALL);
//   3. Postgres is stopped for 10 s: meanwhile the API, the health report and
//      a console page must answer 503 with Retry-After within 5 s, and the
//      same web process must serve again once Postgres is back.
// Then it waits (bounded) for the system to settle and checks that every
// acknowledged event is stored exactly once, every flagged interaction has
// one triage item, no SLA timer was lost or fired twice, no export is offered
// half-written and the outbox is empty. Prints a table and a JSON line; exits
// non-zero when a check fails.
//   RELIABILITY_RATE (events/s, default 120), RELIABILITY_PG_DOWN_SECONDS (10), RELIABILITY_KEEP=1 (leave the temp folder for a look),
//   RELIABILITY_RESULT_FILE (also write the JSON figures there)
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cleanUpLeftovers, PrivateInstances } from "./instances";
import { LoadGenerator } from "./load";

const WEB_PORT = 3600;
const WORKER_HEALTH_PORT = 3601;
const BASE = `http://localhost:${WEB_PORT}`;
const RATE = Number(process.env.RELIABILITY_RATE ?? 120);
const PASSWORD = randomBytes(12).toString("base64url");
const EMAIL = "drill-owner@rampart.local";
const SLUG = "drill";
const RUN_ID = randomBytes(3).toString("hex");
/** Short SLA targets so that deadlines fall due during the drill (seconds). */
const FIRST_TRIAGE_S = 30;
const RESOLUTION_S = 900;
const SEEDED_EXPORT_ROWS = 60_000;
const PROBE_LIMIT_MS = 5_000;
const PG_DOWN_MS = Number(process.env.RELIABILITY_PG_DOWN_SECONDS ?? 10) * 1000;
const SETTLE_TIMEOUT_MS = 200_000;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;
const log = (m: string) => console.log(`[drill ${elapsed()}] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

cleanUpLeftovers((m) => console.log(`[drill] ${m}`));
const instances = new PrivateInstances();
// Fresh secrets come from scripts/reliability/run.mjs (scripts/lib/env-file.mjs makes them).
for (const name of ["NEXTAUTH_SECRET", "RAMPART_MASTER_KEY", "AUDIT_SIGNING_KEY"]) {
  if (!process.env[name]) throw new Error(`${name} is not set: run the drill through npm run test:reliability`);
}
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  DATABASE_URL: instances.databaseUrl,
  REDIS_URL: instances.redisUrl,
  NEXTAUTH_URL: BASE,
  PORT: String(WEB_PORT),
  WORKER_HEALTH_PORT: String(WORKER_HEALTH_PORT),
  DATA_DIR: path.join(instances.dir, "files"),
  EXPORT_DIR: instances.exportDir,
  // A killed worker's jobs come back after this long (default 30 s).
  WORKER_LOCK_MS: "5000",
  OIDC_ISSUER: "",
  OIDC_CLIENT_ID: "",
  OIDC_CLIENT_SECRET: "",
  NEXT_TELEMETRY_DISABLED: "1",
};
Object.assign(process.env, env);

// After the environment is set: lib/config reads it once.
const { db, disconnectDb, pgPool } = await import("@/lib/db");
const { disconnectRedis, createRedis } = await import("@/lib/redis");
const { closeQueues } = await import("@/lib/queues/producers");
const { newSealedKey } = await import("@/lib/crypto/secretbox");
const { generateApiKey } = await import("@/lib/api-keys/key-format");
const { defaultEnvironments } = await import("@/lib/projects/defaults");
const { hashPassword } = await import("@/lib/auth/password");
const { loadUserActor } = await import("@/lib/auth/load-actor");
const { createExport } = await import("@/lib/exports/create-export");
const { pendingDeadlines, slaJobId } = await import("@/lib/triage/sla-timers");
const { QUEUE_PREFIX } = await import("@/lib/queues/contracts");

// ───────────────────────────── processes ─────────────────────────────

type Proc = { name: string; child: ChildProcess; expectedExit: boolean; unexpectedExit: string | null };
const procs: Proc[] = [];
const current: { worker: Proc | null } = { worker: null };
let stopping = false;

function startProcess(name: string, script: string): Proc {
  const out = createWriteStream(path.join(instances.dir, `${name}.log`), { flags: "a" });
  const child = spawn(process.execPath, ["--enable-source-maps", script], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const p: Proc = { name, child, expectedExit: false, unexpectedExit: null };
  child.on("exit", (code, signal) => {
    if (p.expectedExit) return;
    p.unexpectedExit = `${code ?? signal}`;
    log(`!! ${name} (pid ${child.pid}) exited on its own (${code ?? signal}); see its log below`);
    // As a supervisor would: the check has failed already, and the others stay meaningful.
    if (name === "worker" && !stopping) setTimeout(() => (current.worker = startProcess("worker", script)), 1_000);
  });
  procs.push(p);
  return p;
}

async function stopProcess(p: Proc, signal: NodeJS.Signals = "SIGTERM") {
  p.expectedExit = true;
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once("exit", r));
  p.child.kill(signal);
  await Promise.race([exited, sleep(15_000).then(() => p.child.kill("SIGKILL"))]);
}

function logTail(name: string, lines = 30): string {
  const file = path.join(instances.dir, `${name}.log`);
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n") : "";
}

async function waitUntil<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(everyMs);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s${lastError ? ` (${lastError})` : ""}`);
}

async function workerHealthy(): Promise<boolean> {
  const r = await fetch(`http://127.0.0.1:${WORKER_HEALTH_PORT}/`, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
  return r?.status === 200;
}

async function webHealthy(): Promise<boolean> {
  const r = await fetch(`${BASE}/api/health`, { signal: AbortSignal.timeout(3_000) }).catch(() => null);
  return r?.status === 200;
}

// ───────────────────────────── seed ─────────────────────────────

async function seed() {
  const prisma = db();
  const org = await prisma.organization.create({ data: { slug: "drill", name: "Reliability drill" } });
  const user = await prisma.user.create({ data: { email: EMAIL, name: "Drill owner", passwordHash: await hashPassword(PASSWORD) } });
  await prisma.orgMembership.create({ data: { orgId: org.id, userId: user.id, role: "OWNER" } });
  const project = await prisma.project.create({
    data: {
      orgId: org.id,
      slug: SLUG,
      name: "Drill",
      pseudonymKeyEnc: newSealedKey(),
      // No blind sample: every item then comes from a flag, and the count is exact.
      sampleRateBps: 0,
      environments: { create: defaultEnvironments.map((e) => ({ ...e })) },
      slaPolicies: {
        create: (["SEV1", "SEV2", "SEV3", "SEV4"] as const).map((severity) => ({ severity, firstTriageSeconds: FIRST_TRIAGE_S, resolutionSeconds: RESOLUTION_S })),
      },
    },
    include: { environments: true },
  });
  const { key, prefix, hash } = generateApiKey();
  await prisma.apiKey.create({ data: { projectId: project.id, name: "drill", prefix, hash, scopes: ["EVENTS_WRITE"], rateLimitPerSecond: 1_000_000 } });
  // Settled, labeled items for the exports to read: enough that an export runs for a second or two.
  const envId = project.environments.find((e) => e.key === "production")!.id;
  await pgPool().query(
    `WITH r AS MATERIALIZED (
       SELECT n, 'seed-export-' || n AS rid, gen_random_uuid() AS item_id, now() AT TIME ZONE 'UTC' - make_interval(secs => n) AS at
       FROM generate_series(1, $4::int) AS n
     ), i AS (
       INSERT INTO "Interaction" (id, "projectId", "environmentId", "requestId", "occurredAt", "receivedAt", "modelProvider", "modelId",
         "promptRedacted", "responseRedacted", "piiKinds", "flagState")
       SELECT gen_random_uuid(), $1::uuid, $2::uuid, rid, at, at, 'openai', 'gpt-4.1-mini',
         jsonb_build_array(jsonb_build_object('role', 'user', 'content', 'Seeded question ' || n)), 'Seeded answer ' || n, '{}', '{}'
       FROM r
     ), t AS (
       INSERT INTO "TriageItem" (id, "projectId", "requestId", status, severity, source, categories, "firstTriagedAt", "resolvedAt", "createdAt", "updatedAt")
       SELECT item_id, $1::uuid, rid, 'RESOLVED', 'SEV3', 'CLASSIFIER', ARRAY['S10'], at, at, at, at FROM r
       RETURNING id
     )
     INSERT INTO "Label" (id, "projectId", "triageItemId", "reviewerId", verdict, "hazardCategories", severity, "correctedResponse", kind, "createdAt")
     SELECT gen_random_uuid(), $1::uuid, r.item_id, $3::uuid, 'HARMFUL', ARRAY['S10'], 'SEV3', 'A better answer ' || n, 'PRIMARY', r.at
     FROM r JOIN t ON t.id = r.item_id`,
    [project.id, envId, user.id, SEEDED_EXPORT_ROWS],
  );
  return { projectId: project.id, userId: user.id, apiKey: key };
}

// ───────────────────────────── console session ─────────────────────────────

/** Signs in through next-auth's credentials flow, as the sign-in page does; returns the Cookie header. */
async function signIn(): Promise<string> {
  const csrf = await fetch(`${BASE}/api/auth/csrf`);
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  };
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie(), origin: BASE },
    body: new URLSearchParams({ csrfToken, email: EMAIL, password: PASSWORD, callbackUrl: `${BASE}/p/${SLUG}/queue`, json: "true" }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed (${res.status})`);
  return cookie();
}

// ───────────────────────────── probes during the Postgres outage ─────────────────────────────

type Probe = { target: string; status: number | null; ms: number; retryAfter: boolean; stackInBody: boolean; error?: string };

const STACK = /\bat [^\s]+ \([^)]*:\d+:\d+\)|node_modules|\.ts:\d+|Error: [^"]*\n\s+at /;

async function probe(target: string, url: string, init: RequestInit): Promise<Probe> {
  const t = performance.now();
  try {
    const res = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(15_000) });
    const body = await res.text();
    return { target, status: res.status, ms: performance.now() - t, retryAfter: res.headers.has("retry-after"), stackInBody: STACK.test(body) };
  } catch (err) {
    return { target, status: null, ms: performance.now() - t, retryAfter: false, stackInBody: false, error: (err as Error).message };
  }
}

// ───────────────────────────── checks ─────────────────────────────

type Check = { name: string; ok: boolean; detail: string };

async function countStored(projectId: string) {
  const pool = pgPool();
  const [inter, verd] = await Promise.all([
    pool.query<{ id: string; n: number }>(`SELECT "requestId" AS id, count(*)::int AS n FROM "Interaction" WHERE "projectId" = $1 AND "requestId" LIKE $2 GROUP BY 1`, [projectId, `%-${RUN_ID}-%`]),
    pool.query<{ id: string; n: number }>(`SELECT "eventId" AS id, count(*)::int AS n FROM "Verdict" WHERE "projectId" = $1 AND "eventId" LIKE $2 GROUP BY 1`, [projectId, `%-${RUN_ID}-%`]),
  ]);
  const stored = new Map<string, number>();
  for (const r of inter.rows) stored.set(`interaction:${r.id}`, r.n);
  for (const r of verd.rows) stored.set(`verdict:${r.id}`, r.n);
  return stored;
}

async function ledgerChecks(load: LoadGenerator, projectId: string) {
  const stored = await countStored(projectId);
  const l = load.ledger;
  let lost = 0;
  let duplicated = 0;
  let storedUnacked = 0;
  const lostExamples: string[] = [];
  for (const [key, n] of stored) {
    if (n > 1) duplicated++;
    if (!l.acked.has(key)) storedUnacked++;
  }
  for (const key of l.acked) {
    if (!stored.has(key)) {
      lost++;
      if (lostExamples.length < 5) lostExamples.push(key);
    }
  }
  const unknown = [...stored.keys()].filter((k) => !l.sent.has(k)).length;
  return { sent: l.sent.size, acknowledged: l.acked.size, stored: stored.size, lost, duplicated, storedUnacked, unknown, lostExamples, answeredDuplicate: l.duplicates.size, rejected: l.rejected.length };
}

async function triageChecks(projectId: string) {
  const { rows } = await pgPool().query<{ expected: number; found: number; doubled: number; unexpected: number }>(
    `WITH flagged AS (
       SELECT i."requestId" FROM "Interaction" i
       WHERE i."projectId" = $1 AND i."requestId" LIKE $2
         AND EXISTS (SELECT 1 FROM "Verdict" v WHERE v."projectId" = $1 AND v."requestId" = i."requestId" AND v.decision IN ('FLAG', 'BLOCK'))
     ), items AS (
       SELECT "requestId", count(*) AS n FROM "TriageItem" WHERE "projectId" = $1 AND "requestId" LIKE $2 GROUP BY 1
     )
     SELECT (SELECT count(*) FROM flagged)::int AS expected,
            (SELECT count(*) FROM flagged f JOIN items USING ("requestId"))::int AS found,
            (SELECT count(*) FROM items WHERE n > 1)::int AS doubled,
            (SELECT count(*) FROM items WHERE "requestId" NOT IN (SELECT "requestId" FROM flagged))::int AS unexpected`,
    [projectId, `%-${RUN_ID}-%`],
  );
  return rows[0]!;
}

async function slaChecks(projectId: string) {
  const now = Date.now();
  const items = await db().triageItem.findMany({
    where: { projectId, requestId: { contains: `-${RUN_ID}-` }, status: { in: ["NEW", "CLAIMED", "ESCALATED"] }, pausedAt: null },
  });
  let overdue = 0;
  const ahead: { key: string; dueAt: number }[] = [];
  for (const item of items) {
    for (const d of pendingDeadlines(item)) {
      const due = d.dueAt.getTime();
      // A timer fires at its deadline; a few seconds' grace for the worker to get to it.
      if (due <= now - 10_000) overdue++;
      else if (due > now + 2_000 && due <= now + 3_600_000) ahead.push({ key: slaJobId(item.id, d.kind, d.dueAt), dueAt: due });
    }
  }
  const redis = createRedis({ lazyConnect: false, maxRetriesPerRequest: 1 });
  let found = 0;
  try {
    for (let i = 0; i < ahead.length; i += 1000) {
      const pipe = redis.pipeline();
      for (const a of ahead.slice(i, i + 1000)) pipe.zscore(`${QUEUE_PREFIX}:sla:delayed`, a.key);
      const res = (await pipe.exec()) ?? [];
      found += res.filter(([err, v]) => !err && v !== null).length;
    }
  } finally {
    redis.disconnect();
  }
  const fired = await pgPool().query<{ twice: number; breached: number; atRisk: number }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM "AuditEvent" WHERE "projectId" = $1 AND action IN ('sla.breached', 'sla.at_risk')
                                   GROUP BY "targetId", metadata->>'deadline' HAVING count(*) > 1) x)::int AS twice,
            (SELECT count(*) FROM "AuditEvent" WHERE "projectId" = $1 AND action = 'sla.breached')::int AS breached,
            (SELECT count(*) FROM "AuditEvent" WHERE "projectId" = $1 AND action = 'sla.at_risk')::int AS "atRisk"`,
    [projectId],
  );
  return { openItems: items.length, overdue, timersExpected: ahead.length, timersFound: found, firedTwice: fired.rows[0]!.twice, breachesFired: fired.rows[0]!.breached, atRiskFired: fired.rows[0]!.atRisk };
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(file)
      .on("data", (d) => h.update(d))
      .on("end", () => resolve(h.digest("hex")))
      .on("error", reject);
  });
}

type ExportRow = { id: string; status: string; filePath: string | null; sha256: string | null };

/** An ended export: SUCCEEDED with a whole file (its sha256 matches the row and the manifest, and the download serves it), or ended otherwise with nothing on disk or offered. */
async function judgeExport(e: ExportRow, cookie: string): Promise<{ kind: "ok" | "failed" | "half"; problem?: string }> {
  const onDisk = existsSync(instances.exportDir) ? readdirSync(instances.exportDir).filter((f) => f.includes(e.id)) : [];
  const dl = await fetch(`${BASE}/p/${SLUG}/exports/${e.id}/download`, { headers: { cookie }, redirect: "manual" });
  const body = Buffer.from(await dl.arrayBuffer());
  if (e.status === "SUCCEEDED") {
    const file = e.filePath ? path.join(instances.exportDir, e.filePath) : null;
    const manifestFile = path.join(instances.exportDir, `${e.id}.manifest.json`);
    const manifest = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, "utf8")) as { file: { sha256: string } }) : null;
    const fileSha = file && existsSync(file) ? await sha256File(file) : null;
    const served = createHash("sha256").update(body).digest("hex");
    const whole = fileSha !== null && fileSha === e.sha256 && manifest?.file.sha256 === fileSha && dl.status === 200 && served === fileSha;
    if (whole && !onDisk.some((f) => f.endsWith(".partial"))) return { kind: "ok" };
    return { kind: "half", problem: `${e.id} SUCCEEDED but file ${fileSha ?? "missing"} / row ${e.sha256} / manifest ${manifest?.file.sha256 ?? "missing"} / download ${dl.status}` };
  }
  if (onDisk.length > 0 || dl.status !== 404) return { kind: "half", problem: `${e.id} ${e.status} but ${onDisk.length} file(s) on disk, download ${dl.status}` };
  return { kind: "failed" };
}

/** Verdicts on exports that have ended (they cannot change), so each file is read and downloaded once. */
const exportVerdicts = new Map<string, { kind: "ok" | "failed" | "half"; problem?: string }>();

async function exportChecks(projectId: string, cookie: string) {
  const exports = await db().export.findMany({ where: { projectId }, orderBy: { createdAt: "asc" } });
  let ok = 0;
  let failed = 0;
  let halfWritten = 0;
  let unfinished = 0;
  const problems: string[] = [];
  for (const e of exports) {
    if (e.status === "QUEUED" || e.status === "RUNNING") {
      unfinished++;
      problems.push(`${e.id} still ${e.status}`);
      continue;
    }
    const verdict = exportVerdicts.get(e.id) ?? (await judgeExport(e, cookie));
    exportVerdicts.set(e.id, verdict);
    if (verdict.kind === "ok") ok++;
    else if (verdict.kind === "failed") failed++;
    else {
      halfWritten++;
      problems.push(verdict.problem!);
    }
  }
  return { total: exports.length, ok, failed, halfWritten, unfinished, problems };
}

async function outboxCheck() {
  // Redelivered: relayed more than once (its job was lost with Redis, or its first relay's bookkeeping was).
  const { rows } = await pgPool().query<{ pending: number; redelivered: number }>(
    `SELECT count(*) FILTER (WHERE "processedAt" IS NULL)::int AS pending, count(*) FILTER (WHERE attempts > 1)::int AS redelivered FROM "OutboxEvent"`,
  );
  return rows[0]!;
}

type Figures = {
  ledger: Awaited<ReturnType<typeof ledgerChecks>>;
  triage: Awaited<ReturnType<typeof triageChecks>>;
  sla: Awaited<ReturnType<typeof slaChecks>>;
  exports: Awaited<ReturnType<typeof exportChecks>>;
  outbox: Awaited<ReturnType<typeof outboxCheck>>;
};

function groupCount<T>(items: T[], key: (t: T) => string): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const i of items) (out[key(i)] ??= []).push(i);
  return out;
}

// ───────────────────────────── the drill ─────────────────────────────

type Fault = { fault: string; downSeconds: number; recoverySeconds: number | null; detail: string };
const faults: Fault[] = [];
const probes: Probe[] = [];
const recovering: string[] = [];

async function canary(load: LoadGenerator, timeoutMs = 120_000): Promise<number> {
  const t0 = Date.now();
  const requestId = await waitUntil(
    "canary acknowledged",
    async () => {
      const { outcome, events } = await load.sendTracked("canary", 1, 1);
      return "status" in outcome && outcome.status < 300 ? events[0]!.requestId : null;
    },
    timeoutMs,
    500,
  );
  await waitUntil("canary's triage item", async () => (await db().triageItem.count({ where: { requestId } })) > 0, timeoutMs);
  return (Date.now() - t0) / 1000;
}

async function queueActive(): Promise<Record<string, number>> {
  const redis = createRedis({ maxRetriesPerRequest: 1 });
  try {
    const out: Record<string, number> = {};
    for (const q of ["ingest", "sla", "exports", "notifications"]) out[q] = await redis.llen(`${QUEUE_PREFIX}:${q}:active`);
    return out;
  } finally {
    redis.disconnect();
  }
}

async function main() {
  log(`private Postgres on :5440 and Redis on :6390 in ${instances.dir}`);
  await instances.start();

  log("migrating");
  await new Promise<void>((resolve, reject) => {
    const m = spawn(process.execPath, ["dist/migrate.mjs", "apply"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    m.stdout!.on("data", (d) => (out += d));
    m.stderr!.on("data", (d) => (out += d));
    m.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`migrate exited with ${code}:\n${out}`))));
  });
  log(`seeding (a project, its owner, an API key, short SLA targets, ${SEEDED_EXPORT_ROWS} labeled items to export)`);
  const { projectId, userId, apiKey } = await seed();
  const actor = (await loadUserActor(userId))!;

  const web = startProcess("web", "dist/server.mjs");
  current.worker = startProcess("worker", "dist/worker.mjs");
  await waitUntil("web healthy", webHealthy, 90_000);
  await waitUntil("worker healthy", workerHealthy, 60_000);
  const webPid = web.child.pid;
  const cookie = await signIn();
  log(`web (pid ${webPid}) and worker (pid ${current.worker.child.pid}) up; signed in`);

  const load = new LoadGenerator(BASE, apiKey, RUN_ID, { eventsPerSecond: RATE, interactionsPerBatch: 10, flaggedShare: 0.3, maxInFlight: 16 });
  load.start();
  log(`load: ${RATE} events/s (batches of 10 interactions + 10 verdicts, 30 % flagged)`);
  const exportTimer = setInterval(() => {
    createExport(actor, projectId, { format: "OPENAI_CHAT", filter: {} }).catch((err: Error) => log(`export not asked for: ${err.message.split("\n").at(-1)}`));
  }, 25_000);
  // Long enough for SLA deadlines (at risk at 75 % of 30 s) to be falling due all the time.
  await sleep(35_000);

  // ── 1. SIGKILL the worker mid-job ──
  const exp = await createExport(actor, projectId, { format: "OPENAI_CHAT", filter: {} });
  await waitUntil("export running", async () => (await db().export.findUnique({ where: { id: exp.id } }))?.status === "RUNNING", 30_000, 25);
  // Wait (briefly) for triage and SLA jobs to be in flight too.
  let active: Record<string, number> = {};
  const lookUntil = Date.now() + 3_000;
  do active = await queueActive().catch(() => ({}));
  while (!(active.ingest && active.sla) && Date.now() < lookUntil);
  const killed = current.worker!;
  killed.expectedExit = true;
  killed.child.kill("SIGKILL");
  const killedAt = Date.now();
  log(`1. SIGKILL worker pid ${killed.child.pid} (export ${exp.id.slice(0, 8)} running; active jobs ${JSON.stringify(active)})`);
  await sleep(2_000);
  current.worker = startProcess("worker", "dist/worker.mjs");
  await waitUntil("new worker healthy", workerHealthy, 60_000);
  const workerBack = Date.now();
  const workerCanary = await canary(load);
  const exportDone = await waitUntil(
    "the killed export to finish",
    async () => {
      const e = await db().export.findUnique({ where: { id: exp.id } });
      return e && !["QUEUED", "RUNNING"].includes(e.status) ? e : null;
    },
    90_000,
  );
  faults.push({
    fault: "worker SIGKILL",
    downSeconds: (workerBack - killedAt) / 1000,
    recoverySeconds: workerCanary,
    detail: `the export in flight ended ${exportDone.status} ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill; active at the kill ${JSON.stringify(active)}`,
  });
  log(`   new worker pid ${current.worker.child.pid}; a fresh flagged interaction became an item in ${workerCanary.toFixed(1)} s; the export ended ${exportDone.status}`);
  await sleep(15_000);

  // ── 2. Redis lost ──
  const acksBefore = load.ackTimes.length;
  await instances.killRedis();
  const redisDownAt = Date.now();
  log("2. Redis killed (no persistence: it comes back empty)");
  await sleep(4_000);
  const acksWhileRedisDown = load.ackTimes.length - acksBefore;
  await instances.startRedis();
  const redisBack = Date.now();
  const redisCanary = await canary(load);
  faults.push({
    fault: "Redis lost",
    downSeconds: (redisBack - redisDownAt) / 1000,
    recoverySeconds: redisCanary,
    detail: `${acksWhileRedisDown} events acknowledged while Redis was down`,
  });
  log(`   Redis back; ${acksWhileRedisDown} events acknowledged while it was down; fresh item in ${redisCanary.toFixed(1)} s`);
  await sleep(15_000);

  // ── 3. Postgres down ──
  clearInterval(exportTimer);
  instances.stopPostgres();
  const pgDownAt = Date.now();
  log("3. Postgres stopped; probing the web app");
  const targets: [string, string, RequestInit][] = [
    ["POST /api/v1/events", `${BASE}/api/v1/events`, {}],
    ["GET /api/health", `${BASE}/api/health`, {}],
    [`GET /p/${SLUG}/queue`, `${BASE}/p/${SLUG}/queue`, { headers: { cookie, accept: "text/html" } }],
  ];
  while (Date.now() - pgDownAt < PG_DOWN_MS) {
    const round = await Promise.all(
      targets.map(async ([name, url, init]): Promise<Probe> => {
        if (!name.startsWith("POST")) return probe(name, url, init);
        // Through the ledger: a probe event that was refused is sent again later, like any other.
        const { outcome } = await load.sendTracked("probe", 1, 1);
        return "error" in outcome
          ? { target: name, status: null, ms: outcome.ms, retryAfter: false, stackInBody: false, error: outcome.error }
          : { target: name, status: outcome.status, ms: outcome.ms, retryAfter: outcome.retryAfter !== null, stackInBody: STACK.test(outcome.body) };
      }),
    );
    probes.push(...round);
    await sleep(300);
  }
  await instances.startPostgres();
  const pgBack = Date.now();
  log(`   Postgres started again after ${((pgBack - pgDownAt) / 1000).toFixed(1)} s; waiting for the same web process to serve`);
  // What the web process answered on its way back: 503s until it is, never a 500.
  const apiBack = await waitUntil(
    "ingest answers 2xx again",
    async () => {
      const { outcome } = await load.sendTracked("probe", 1, 1);
      recovering.push(`api ${"status" in outcome ? outcome.status : outcome.error}`);
      return "status" in outcome && outcome.status < 300 ? Date.now() : null;
    },
    60_000,
  );
  const pageBack = await waitUntil(
    "a console page answers 200 again",
    async () => {
      const status = (await fetch(`${BASE}/p/${SLUG}/queue`, { headers: { cookie }, redirect: "manual" })).status;
      recovering.push(`page ${status}`);
      return status === 200 ? Date.now() : null;
    },
    60_000,
  );
  const pgCanary = await canary(load);
  faults.push({
    fault: "Postgres down",
    downSeconds: (pgBack - pgDownAt) / 1000,
    recoverySeconds: (apiBack - pgBack) / 1000,
    detail: `page 200 after ${((pageBack - pgBack) / 1000).toFixed(1)} s, fresh item after ${pgCanary.toFixed(1)} s; answers on the way back: ${Object.entries(groupCount(recovering, (r) => r)).map(([k, v]) => `${k}×${v.length}`).join(", ")}; web pid ${web.child.pid === webPid ? "unchanged" : "CHANGED"}`,
  });
  log(`   ingest 2xx ${((apiBack - pgBack) / 1000).toFixed(1)} s after the restart, page 200 after ${((pageBack - pgBack) / 1000).toFixed(1)} s`);
  await createExport(actor, projectId, { format: "OPENAI_CHAT", filter: {} });
  await sleep(10_000);

  // ── settle and check ──
  load.stop();
  log(`load stopped (${load.ledger.sent.size} events sent); retrying the unacknowledged and letting the system settle (≤ ${SETTLE_TIMEOUT_MS / 1000} s)`);
  const settleStart = Date.now();
  await load.drainRetries(60_000);
  let checks: Check[] = [];
  let figures: Figures | null = null;
  const collect = async (): Promise<Figures> => ({
    ledger: await ledgerChecks(load, projectId),
    triage: await triageChecks(projectId),
    sla: await slaChecks(projectId),
    exports: await exportChecks(projectId, cookie),
    outbox: await outboxCheck(),
  });
  for (;;) {
    figures = await collect();
    checks = judge(figures, webPid === web.child.pid && web.unexpectedExit === null);
    if (checks.every((c) => c.ok) || Date.now() - settleStart > SETTLE_TIMEOUT_MS) break;
    await sleep(3_000);
  }
  const settleSeconds = (Date.now() - settleStart) / 1000;
  load.close();
  report(figures!, checks, load, settleSeconds);
  return checks.every((c) => c.ok);
}

function judge(f: Figures, sameWeb: boolean): Check[] {
  const probeOk = probes.length > 0 && probes.every((p) => p.status === 503 && p.retryAfter && !p.stackInBody && p.ms < PROBE_LIMIT_MS);
  const bad = probes.filter((p) => !(p.status === 503 && p.retryAfter && !p.stackInBody && p.ms < PROBE_LIMIT_MS));
  return [
    { name: "every acknowledged event stored", ok: f.ledger.lost === 0, detail: `lost ${f.ledger.lost}${f.ledger.lostExamples.length ? ` e.g. ${f.ledger.lostExamples.join(", ")}` : ""}` },
    { name: "no event stored twice", ok: f.ledger.duplicated === 0, detail: `duplicated ${f.ledger.duplicated}` },
    { name: "every sent event acknowledged in the end", ok: f.ledger.acknowledged === f.ledger.sent && f.ledger.rejected === 0, detail: `${f.ledger.acknowledged}/${f.ledger.sent}, rejected ${f.ledger.rejected}` },
    { name: "one triage item per flagged interaction", ok: f.triage.found === f.triage.expected && f.triage.doubled === 0 && f.triage.unexpected === 0, detail: `${f.triage.found}/${f.triage.expected}, doubled ${f.triage.doubled}, unexpected ${f.triage.unexpected}` },
    { name: "no overdue deadline left unfired", ok: f.sla.overdue === 0, detail: `${f.sla.overdue} overdue of ${f.sla.openItems} open items` },
    { name: "every upcoming SLA timer in Redis", ok: f.sla.timersFound === f.sla.timersExpected, detail: `${f.sla.timersFound}/${f.sla.timersExpected}` },
    { name: "no SLA deadline fired twice", ok: f.sla.firedTwice === 0, detail: `${f.sla.firedTwice}` },
    { name: "no export offered half-written", ok: f.exports.halfWritten === 0 && f.exports.unfinished === 0 && f.exports.ok > 0, detail: f.exports.problems.slice(0, 3).join("; ") || `${f.exports.ok} ok, ${f.exports.failed} failed` },
    { name: "outbox drained", ok: f.outbox.pending === 0, detail: `${f.outbox.pending} unprocessed` },
    { name: "503 + Retry-After < 5 s while Postgres is down", ok: probeOk, detail: bad.slice(0, 3).map((p) => `${p.target}: ${p.status ?? p.error} ${p.ms.toFixed(0)} ms${p.retryAfter ? "" : " no Retry-After"}${p.stackInBody ? " stack in body" : ""}`).join("; ") || `${probes.length} probes` },
    { name: "no 5xx but 503 while recovering", ok: recovering.every((r) => !/ 5\d\d$/.test(r) || r.endsWith(" 503")), detail: recovering.filter((r) => /ECONN|timeout| 5\d\d$/.test(r) && !r.endsWith(" 503")).slice(0, 3).join(", ") },
    { name: "same web process throughout", ok: sameWeb, detail: sameWeb ? "" : "the web process exited or was replaced" },
    { name: "worker never died on its own", ok: procs.filter((p) => p.name === "worker").every((p) => p.unexpectedExit === null), detail: "" },
  ];
}

function report(f: Figures, checks: Check[], load: LoadGenerator, settleSeconds: number) {
  const maxProbe = probes.reduce((m, p) => Math.max(m, p.ms), 0);
  const byTarget = groupCount(probes, (p) => p.target);
  const rows: [string, string][] = [
    ["sent", String(f.ledger.sent)],
    ["acknowledged", String(f.ledger.acknowledged)],
    ["stored", String(f.ledger.stored)],
    ["lost (must be 0)", String(f.ledger.lost)],
    ["duplicated (must be 0)", String(f.ledger.duplicated)],
    ["stored but never acknowledged", String(f.ledger.storedUnacked)],
    ["answered duplicate on a retry", String(f.ledger.answeredDuplicate)],
    ["requests / retries", `${load.ledger.requests} / ${load.ledger.retries}`],
    ["answers", Object.entries(load.ledger.statuses).map(([s, n]) => `${s}×${n}`).join(" ") + (Object.keys(load.ledger.failures).length ? ` ${Object.entries(load.ledger.failures).map(([s, n]) => `${s}×${n}`).join(" ")}` : "")],
    ["triage items expected / found", `${f.triage.expected} / ${f.triage.found}`],
    ["SLA timers expected / found", `${f.sla.timersExpected} / ${f.sla.timersFound}`],
    ["SLA deadlines overdue, unfired", String(f.sla.overdue)],
    ["SLA fired (at risk / breached)", `${f.sla.atRiskFired} / ${f.sla.breachesFired}`],
    ["exports ok / failed / half-written", `${f.exports.ok} / ${f.exports.failed} / ${f.exports.halfWritten}`],
    ["outbox unprocessed / redelivered", `${f.outbox.pending} / ${f.outbox.redelivered}`],
    ["503 probes (count, max ms, all Retry-After)", `${probes.length}, ${maxProbe.toFixed(0)} ms, ${probes.every((p) => p.retryAfter) ? "yes" : "NO"}`],
    ...Object.entries(byTarget).map(([t, ps]): [string, string] => [`  ${t}`, `${Object.entries(groupCount(ps, (p) => String(p.status ?? p.error))).map(([s, x]) => `${s}×${x.length}`).join(" ")}, max ${Math.max(...ps.map((p) => p.ms)).toFixed(0)} ms`]),
    ...faults.map((x): [string, string] => [`recovery: ${x.fault}`, `${x.recoverySeconds?.toFixed(1) ?? "-"} s after ${x.downSeconds.toFixed(1)} s down (${x.detail})`]),
    ["settled in", `${settleSeconds.toFixed(1)} s`],
    ["wall time", `${((Date.now() - started) / 1000).toFixed(0)} s`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log("\nReliability drill");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
  console.log("");
  for (const c of checks) console.log(`  ${c.ok ? "ok  " : "FAIL"}  ${c.name}${c.detail ? ` — ${c.detail}` : ""}`);
  const json = {
    sent: f.ledger.sent,
    acknowledged: f.ledger.acknowledged,
    stored: f.ledger.stored,
    lost: f.ledger.lost,
    duplicated: f.ledger.duplicated,
    storedUnacknowledged: f.ledger.storedUnacked,
    triageItems: { expected: f.triage.expected, found: f.triage.found },
    slaTimers: { expected: f.sla.timersExpected, found: f.sla.timersFound, overdueUnfired: f.sla.overdue, firedTwice: f.sla.firedTwice },
    exports: { ok: f.exports.ok, failed: f.exports.failed, halfWritten: f.exports.halfWritten, unfinished: f.exports.unfinished },
    outboxUnprocessed: f.outbox.pending,
    outboxRedelivered: f.outbox.redelivered,
    probes503: { count: probes.length, maxLatencyMs: Math.round(maxProbe), allRetryAfter: probes.every((p) => p.retryAfter), all503: probes.every((p) => p.status === 503) },
    recovery: Object.fromEntries(faults.map((x) => [x.fault, { downSeconds: Number(x.downSeconds.toFixed(1)), recoverySeconds: x.recoverySeconds === null ? null : Number(x.recoverySeconds.toFixed(1)) }])),
    settleSeconds: Number(settleSeconds.toFixed(1)),
    wallSeconds: Math.round((Date.now() - started) / 1000),
    passed: checks.filter((c) => c.ok).length,
    failed: checks.filter((c) => !c.ok).length,
  };
  console.log(`\nRELIABILITY_JSON ${JSON.stringify(json)}`);
  // npm test adds the checks to its own count.
  if (process.env.RELIABILITY_RESULT_FILE) writeFileSync(process.env.RELIABILITY_RESULT_FILE, `${JSON.stringify(json)}\n`);
  console.log(`\nreliability: ${json.passed} passed, ${json.failed} failed`);
}

let cleaning: Promise<void> | null = null;
function cleanUp(): Promise<void> {
  stopping = true;
  cleaning ??= (async () => {
    await Promise.all(procs.map((p) => stopProcess(p).catch(() => undefined)));
    await Promise.allSettled([closeQueues(), disconnectRedis(), disconnectDb()]);
    const keepFiles = process.env.RELIABILITY_KEEP === "1";
    if (keepFiles) log(`kept ${instances.dir} (logs: web.log, worker.log)`);
    await instances.stop({ keepFiles });
  })();
  return cleaning;
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping the app and the private instances`);
    void cleanUp().finally(() => process.exit(130));
  });
}

let passed = false;
try {
  passed = await main();
} catch (err) {
  console.error(`\n[drill] ${(err as Error).stack ?? err}`);
  for (const name of ["web", "worker"]) console.error(`\n--- ${name}.log (tail) ---\n${logTail(name)}`);
} finally {
  if (!passed) for (const name of ["web", "worker"]) if (procs.some((p) => p.name === name && p.unexpectedExit)) console.error(`\n--- ${name}.log (tail) ---\n${logTail(name)}`);
  await cleanUp();
}
process.exit(passed ? 0 : 1);
