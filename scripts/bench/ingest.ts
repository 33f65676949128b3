// npm run bench:ingest — drives the running app over loopback and prints JSON:
// ingest events/s for batches of 100 and for single-event requests, p50/p99,
// and, in the same run on the same tables, a raw multi-row INSERT of the same
// kind of rows as the floor to compare with. Batched ingest and the raw insert
// alternate in rounds (this VM's speed drifts within a minute): the ratio is
// the median of the rounds' ratios, each from two phases seconds apart; between
// them the worker catches up, the dashboards' rollups are brought up to date
// and the tables that grew are analyzed (each timed and reported), so that
// neither phase carries the other's deferred work. With
// dist/server.mjs present it also starts a second server with the lean layer
// off, to show what Next's route handler alone does for single events.
//   BENCH_URL (default http://localhost:$PORT or :3000), BENCH_SECONDS (10: the single-event phase, and
//   each round's batched and raw phases together), BENCH_ROUNDS (3), BENCH_CONCURRENCY (16),
//   BENCH_PHASES (default "batched,single,raw"; a subset runs only those, e.g. for profiling),
//   BENCH_BATCHES / BENCH_SINGLES (pre-built requests per phase; the JSON says bodiesRanOut if a phase used them all)
import "@/workers/load-env";
import { spawn } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import pg from "pg";
import { db, disconnectDb } from "@/lib/db";
import { newSealedKey } from "@/lib/crypto/secretbox";
import { generateApiKey } from "@/lib/api-keys/key-format";
import { defaultEnvironments } from "@/lib/projects/defaults";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { interactionColumns } from "@/lib/ingest/sql";
import { drainRollups } from "@/lib/metrics/rollup";
import { refreshStaleTableStats } from "@/lib/maintenance/refresh-table-stats";
import { uuid7 } from "@/lib/ids/uuid7";
import { rawRequest, runRawLoad, summarizeRaw, type RawLoadResult } from "./raw-load";
import { addSamples, cpuBetween, cpuPerEvent, sampleCpu, type CpuSample } from "./proc-cpu";

const baseUrl = process.env.BENCH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

const PROMPT = [
  { role: "system", content: "You are a helpful support assistant for Acme. Answer briefly and cite the help centre. ".repeat(6) },
  { role: "user", content: "My order arrived damaged, the box was crushed and the charger does not work. What can I do? ".repeat(4) },
];
const RESPONSE = "I'm sorry your order arrived damaged. You can request a replacement from Orders → Help with this order. ".repeat(12);

function interaction() {
  return {
    type: "interaction",
    requestId: randomUUID(),
    occurredAt: new Date().toISOString(),
    environment: "production",
    model: { provider: "openai", id: "gpt-4.1-mini", version: "2025-04-14" },
    promptTemplate: { id: "support-answer", version: "7" },
    prompt: PROMPT,
    response: RESPONSE,
    flags: { "assistant-v2": { value: true, variant: "on", version: 3 }, "model-tier": { value: "mini", version: 9 } },
    cohort: { platform: "web", region: "eu-west", deviceClass: "desktop", segment: "pro", locale: "en-GB" },
    userId: `user-${Math.floor(Math.random() * 10_000)}`,
    latencyMs: 700 + Math.floor(Math.random() * 900),
    tokens: { input: 420, output: 180 },
    cost: 0.0031,
  };
}

async function benchProject(): Promise<{ projectId: string; environmentId: string; key: string }> {
  const prisma = db();
  const org = await prisma.organization.upsert({ where: { slug: "bench" }, create: { slug: "bench", name: "Benchmarks" }, update: {} });
  let project = await prisma.project.findUnique({ where: { slug: "bench-ingest" }, include: { environments: true } });
  project ??= await prisma.project.create({
    data: { orgId: org.id, slug: "bench-ingest", name: "Bench: ingest", pseudonymKeyEnc: newSealedKey(), environments: { create: defaultEnvironments.map((e) => ({ ...e })) } },
    include: { environments: true },
  });
  const { key, prefix, hash } = generateApiKey();
  await prisma.apiKey.create({ data: { projectId: project.id, name: `bench ${new Date().toISOString()}`, prefix, hash, scopes: ["EVENTS_WRITE"], rateLimitPerSecond: 10_000_000 } });
  return { projectId: project.id, environmentId: project.environments.find((e) => e.key === "production")!.id, key };
}

function summarize(r: RawLoadResult, eventsPerRequest: number) {
  return {
    ...summarizeRaw(r),
    eventsPerSecond: Math.round(((r.requests - r.errors) * eventsPerRequest) / r.seconds),
    ...(r.exhausted ? { bodiesRanOut: true } : {}),
  };
}

/**
 * `count` requests, each with events never sent before (ids unique), built
 * before the phase starts: generating ~300 KB of JSON per batch while timing
 * would take the generator's share of the 2 cores from the app.
 */
function prebuilt(url: URL, key: string, count: number, events: number): Buffer[] {
  return Array.from({ length: count }, () =>
    rawRequest("POST", url, url.pathname, { authorization: `Bearer ${key}` }, JSON.stringify({ events: Array.from({ length: events }, interaction) })),
  );
}

/** Rounds of one phase as one result: their requests, latencies and time together. */
function mergeRuns(runs: RawLoadResult[]): RawLoadResult {
  const statuses: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  return {
    requests,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    statuses,
    seconds: runs.reduce((n, r) => n + r.seconds, 0),
    latenciesMs: runs.flatMap((r) => r.latenciesMs).sort((a, b) => a - b),
    clientCpuMsPerRequest: runs.reduce((n, r) => n + (r.requests > 0 ? r.clientCpuMsPerRequest * r.requests : 0), 0) / Math.max(1, requests),
    exhausted: runs.some((r) => r.exhausted),
  };
}

/** Sends each pre-built request once; stops at the time limit or when they run out (reported). */
function load(url: URL, requests: Buffer[], secs = seconds) {
  return runRawLoad({ url: url.toString(), concurrency, seconds: secs, requests, cycle: false });
}

const RAW_USER_KEY = randomBytes(32);

/**
 * The raw insert's connections, kept for the whole run: a connection closed
 * at a phase's end takes its backend's CPU time out of /proc until the
 * postmaster has reaped it, into the next phase's figures (proc-cpu.ts).
 */
let rawPool: pg.Pool | null = null;

/** Inserts for `secs` seconds. */
async function rawInsert(projectId: string, environmentId: string, secs: number) {
  // The same columns, the same kind of content and the same kind of ids (uuid7) as
  // ingest stores, in 100-row multi-row INSERTs over `concurrency` connections.
  // Keys spread over their indexes as ingest's do: request ids random over the
  // same range (a prefix would keep them in a smaller, better-cached part of the
  // unique index), and user references keyed hashes of the same 10,000 users
  // (one constant reference, as this had before, appended every row to the
  // same leaf of the (projectId, userRef, occurredAt) index).
  const pool = (rawPool ??= new pg.Pool({ connectionString: process.env.DATABASE_URL, max: concurrency, idleTimeoutMillis: 0 }));
  const cols = interactionColumns.map(([n]) => n).filter((n) => n !== "originalEnc" && n !== "subjectKeyId");
  const makeRow = () => {
    const i = interaction();
    const v: Record<string, unknown> = {
      id: uuid7(), projectId, environmentId, requestId: i.requestId, occurredAt: new Date(), receivedAt: new Date(),
      modelProvider: i.model.provider, modelId: i.model.id, modelVersion: i.model.version, promptTemplateId: i.promptTemplate.id,
      promptTemplateVersion: i.promptTemplate.version, promptRedacted: JSON.stringify(i.prompt), responseRedacted: i.response, piiKinds: [],
      flagState: JSON.stringify(i.flags), ...i.cohort, userRef: createHmac("sha256", RAW_USER_KEY).update(i.userId).digest("base64url"), latencyMs: i.latencyMs, tokensIn: 420, tokensOut: 180,
      costMicros: "3100", provenance: null, gateRunId: null, errorType: null, apiKeyId: null,
    };
    return cols.map((c) => v[c] ?? null);
  };
  let next = 0;
  const started = performance.now();
  const deadline = started + secs * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        next++;
        const values: unknown[] = [];
        const tuples: string[] = [];
        for (let r = 0; r < 100; r++) {
          const row = makeRow();
          tuples.push(`(${row.map((_, c) => `$${values.length + c + 1}`).join(",")})`);
          values.push(...row);
        }
        await pool.query(`INSERT INTO "Interaction" (${cols.map((c) => `"${c}"`).join(",")}) VALUES ${tuples.join(",")}`, values);
      }
    }),
  );
  const took = (performance.now() - started) / 1000;
  return { rows: next * 100, seconds: Number(took.toFixed(2)), rowsPerSecond: Math.round((next * 100) / took) };
}

/**
 * Seconds until the worker has processed everything committed so far (no
 * ingest outbox row of the bench project left unprocessed). Ingest answers once events are committed;
 * triage, counters and rollups follow in the worker. A phase's rate is only
 * sustainable if the worker keeps up, so each phase reports how far behind it
 * left the worker, and the next phase starts only once it has caught up.
 */
async function workerCaughtUp(projectId: string, sinceOutboxId: string, limitSeconds = 300): Promise<number> {
  const started = performance.now();
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  try {
    for (;;) {
      const { rows } = await pool.query<{ left: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM "OutboxEvent" WHERE "processedAt" IS NULL AND id > $2 AND queue = 'ingest' AND payload->>'projectId' = $1) AS left`,
        [projectId, sinceOutboxId],
      );
      const secs = (performance.now() - started) / 1000;
      if (!rows[0]!.left) return Number(secs.toFixed(1));
      if (secs > limitSeconds) throw new Error(`the worker had not caught up ${limitSeconds} s after a phase (is it running?)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await pool.end();
  }
}

/**
 * Brings the dashboards' rollups up to date now, and how long that took. The
 * worker recomputes a minute once it has rested (SETTLE_MS) and a new day's
 * distinct users a minute after it starts: left to itself that work lands in
 * whichever phase comes next — raw or batched, by the clock — and moved a
 * round's ratio by up to ±0.2. Done between the phases, it is in neither,
 * and its time is reported beside the worker's catch-up.
 */
async function rollupsDrained(): Promise<number> {
  const started = performance.now();
  await drainRollups();
  return Number(((performance.now() - started) / 1000).toFixed(1));
}

/**
 * ANALYZEs now the tables the last phase grew past Postgres's autoanalyze
 * threshold, and how long that took. The worker does it every 30 s for a
 * table not analyzed in the last minute (refresh-table-stats.ts; this
 * machine runs autovacuum off): ~1 s of Postgres for the interactions, caused
 * by both phases' rows (the raw insert adds twice as many) but landing in
 * whichever phase the schedule hits. On 2026-12-04 the second round's ratio
 * was the lowest of three in 20 of 22 runs, by 0.02–0.09; with the tables
 * analyzed between the phases, in 1 of the next 4, by 0.001. Done between
 * the phases, like the rollups, it is in neither.
 */
async function tableStatsRefreshed(): Promise<number> {
  const started = performance.now();
  await refreshStaleTableStats({ quietMs: 0 });
  return Number(((performance.now() - started) / 1000).toFixed(1));
}

async function outboxHead(): Promise<string> {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  try {
    const { rows } = await pool.query<{ id: string }>(`SELECT COALESCE(max(id), 0)::text AS id FROM "OutboxEvent"`);
    return rows[0]!.id;
  } finally {
    await pool.end();
  }
}

async function startNextOnly(port: number): Promise<() => void> {
  const child = spawn(process.execPath, ["dist/server.mjs"], { env: { ...process.env, PORT: String(port), RAMPART_LEAN_HTTP: "0", NODE_ENV: "production" }, stdio: "ignore" });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://localhost:${port}/api/health`).then((r) => r.ok).catch(() => false);
    if (ok) return () => child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  throw new Error("the Next-only comparison server did not start");
}

async function main() {
  const health = await fetch(`${baseUrl}/api/health`).catch(() => null);
  if (!health?.ok) throw new Error(`No healthy Rampart at ${baseUrl} (start it with npm start, or set BENCH_URL)`);
  const { projectId, environmentId, key } = await benchProject();
  const url = new URL(`${baseUrl}/api/v1/events`);
  // Enough for each phase at well above the targets (batched 15,000 events/s, single 2,500 requests/s).
  const batchCount = Number(process.env.BENCH_BATCHES ?? Math.ceil((rounds * (seconds / 2) * 15_000) / 100));
  const singleCount = Number(process.env.BENCH_SINGLES ?? seconds * 2_500);

  // Only this run's rows count when waiting for the worker (an older row left failing would hang every run).
  const sinceOutboxId = await outboxHead();
  const caughtUp = () => workerCaughtUp(projectId, sinceOutboxId);

  const phases = new Set((process.env.BENCH_PHASES ?? "batched,single,raw").split(","));
  // Warm-up: JIT, connection pools, caches — for both kinds of request. With single
  // events alone, a batch's own paths (large bodies, uncombined statements) were still
  // cold in the first round: in 4 runs on 2026-12-03 its ratio was the lowest of the
  // three each time (0.34-0.41 against 0.39-0.61), its batched rate the lowest in 3.
  await load(url, prebuilt(url, key, 2_000, 1), 2);
  if (phases.has("batched")) await load(url, prebuilt(url, key, 100, 100), 2);

  if (phases.has("batched") || phases.has("single")) {
    await caughtUp();
    await rollupsDrained();
  }
  await tableStatsRefreshed();

  // Rounds of batched ingest, then the raw insert, each for half of BENCH_SECONDS.
  const half = seconds / 2;
  const batchBodies = phases.has("batched") ? prebuilt(url, key, batchCount, 100) : [];
  const batchedRuns: RawLoadResult[] = [];
  const roundFigures: {
    batchedEventsPerSecond: number | null;
    workerCaughtUpSecondsAfter: number | null;
    rollupsDrainedSecondsAfter: number | null;
    tableStatsRefreshedSecondsAfter: number | null;
    rawRowsPerSecond: number | null;
    tableStatsRefreshedSecondsAfterRaw: number | null;
    ratio: number | null;
  }[] = [];
  const rawRuns: Awaited<ReturnType<typeof rawInsert>>[] = [];
  // CPU per event, by process (proc-cpu.ts): a batched phase's window ends once the worker has caught up (its work for
  // those events included) and before the rollups are drained (that runs in this process).
  const batchedCpu: (CpuSample | null)[] = [];
  const rawCpu: (CpuSample | null)[] = [];
  let used = 0;
  for (let r = 0; r < rounds && (phases.has("batched") || phases.has("raw")); r++) {
    let batchedRate: number | null = null;
    let behind: number | null = null;
    let rollups: number | null = null;
    let stats: number | null = null;
    let statsAfterRaw: number | null = null;
    if (phases.has("batched")) {
      const before = sampleCpu();
      const run = await load(url, batchBodies.slice(used), half);
      used += run.requests;
      batchedRuns.push(run);
      batchedRate = summarize(run, 100).eventsPerSecond;
      behind = await caughtUp();
      batchedCpu.push(cpuBetween(before, sampleCpu()));
      rollups = await rollupsDrained();
      stats = await tableStatsRefreshed();
    }
    let raw: Awaited<ReturnType<typeof rawInsert>> | null = null;
    if (phases.has("raw")) {
      const before = sampleCpu();
      raw = await rawInsert(projectId, environmentId, half);
      rawRuns.push(raw);
      rawCpu.push(cpuBetween(before, sampleCpu()));
      statsAfterRaw = await tableStatsRefreshed();
    }
    roundFigures.push({
      batchedEventsPerSecond: batchedRate,
      workerCaughtUpSecondsAfter: behind,
      rollupsDrainedSecondsAfter: rollups,
      tableStatsRefreshedSecondsAfter: stats,
      rawRowsPerSecond: raw?.rowsPerSecond ?? null,
      tableStatsRefreshedSecondsAfterRaw: statsAfterRaw,
      ratio: batchedRate !== null && raw ? Number((batchedRate / raw.rowsPerSecond).toFixed(3)) : null,
    });
  }
  const batched = batchedRuns.length > 0 ? summarize(mergeRuns(batchedRuns), 100) : null;
  const rawRows = rawRuns.reduce((n, r) => n + r.rows, 0);
  const rawSeconds = rawRuns.reduce((n, r) => n + r.seconds, 0);
  const raw = rawRuns.length > 0 ? { rows: rawRows, seconds: Number(rawSeconds.toFixed(2)), rowsPerSecond: Math.round(rawRows / rawSeconds) } : null;
  const ratios = roundFigures.flatMap((f) => (f.ratio === null ? [] : [f.ratio])).sort((a, b) => a - b);

  let singleCpu: ReturnType<typeof cpuPerEvent> = null;
  let single: (ReturnType<typeof summarize> & { workerCaughtUpSecondsAfter: number }) | null = null;
  if (phases.has("single")) {
    const bodies = prebuilt(url, key, singleCount, 1);
    const before = sampleCpu();
    const run = await load(url, bodies);
    single = { ...summarize(run, 1), workerCaughtUpSecondsAfter: await caughtUp() };
    singleCpu = cpuPerEvent(cpuBetween(before, sampleCpu()), run.requests - run.errors);
  }
  const batchedEvents = batchedRuns.reduce((n, r) => n + (r.requests - r.errors) * 100, 0);
  const batchedPerEvent = cpuPerEvent(addSamples(batchedCpu), batchedEvents);
  const rawPerRow = cpuPerEvent(addSamples(rawCpu), rawRows);

  let nextRouteOnly: ReturnType<typeof summarize> | null = null;
  if (existsSync("dist/server.mjs") && process.env.BENCH_SKIP_NEXT !== "1" && phases.has("single")) {
    const port = Number(new URL(baseUrl).port || 3000) + 17;
    const stop = await startNextOnly(port);
    try {
      const nextUrl = new URL(`http://localhost:${port}/api/v1/events`);
      await load(nextUrl, prebuilt(nextUrl, key, 1_000, 1), 2);
      nextRouteOnly = summarize(await load(nextUrl, prebuilt(nextUrl, key, singleCount, 1)), 1);
    } finally {
      stop();
    }
  }

  console.log(
    JSON.stringify(
      {
        benchmark: "ingest",
        url: baseUrl,
        concurrency,
        secondsPerPhase: seconds,
        loadGenerator: "raw keep-alive sockets (scripts/bench/raw-load.ts); every request's events are new, built before its phase",
        rounds: roundFigures,
        batched100: batched,
        singleEvent: single,
        singleEventThroughNextRouteHandler: nextRouteOnly,
        rawMultiRowInsert: raw,
        ratioBatchedToRawInsert: ratios.length > 0 ? ratios[Math.floor((ratios.length - 1) / 2)]! : null,
        ratioOfTotals: batched && raw ? Number((batched.eventsPerSecond / raw.rowsPerSecond).toFixed(3)) : null,
        // Read from /proc when the app runs on this machine (null otherwise): µs of CPU per event by process, over
        // every round; "busy" is the whole machine's (the kernel's work, and anything else running, included).
        cpuMicrosecondsPerEvent: {
          batched100: batchedPerEvent,
          singleEvent: singleCpu,
          rawInsertPerRow: rawPerRow,
          // The ratio's counterpart in CPU: raw insert's machine time per row over batched ingest's per event.
          busyRatio: batchedPerEvent && rawPerRow && batchedPerEvent.busy > 0 ? Number((rawPerRow.busy / batchedPerEvent.busy).toFixed(3)) : null,
        },
        targets: { batchedEventsPerSecond: 10_000, singleRequestsPerSecond: 1_000, singleP99Ms: 50, ratio: 0.5 },
      },
      null,
      2,
    ),
  );
}

main()
  .catch((err) => {
    console.error(`[bench:ingest] ${(err as Error).message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await rawPool?.end();
    await closeQueues();
    await disconnectRedis();
    await disconnectDb();
  });
