// npm run bench:flags — flag delivery figures against the running app, as JSON:
//   - OFREP bulk evaluation: requests/s, p50/p99 at BENCH_CONCURRENCY (50) keep-alive connections
//     driven by a raw-socket load generator (raw-load.ts; node:http's client would cost more CPU
//     than the server on a 2-core machine), a different user per request (2,000 users, cycled),
//     10 release flags at a 50 % rollout (the Unleash comparison's setup) plus one kill switch;
//     then the same with a context never seen before on every request (each one a new user, so
//     nothing is answered from the server's result cache), and the server's CPU per request in
//     both when the server runs on this machine (found by its port with `ss`, or BENCH_SERVER_PID);
//   - in-process evaluation: ns per evaluateFlag call over the same snapshot (median of 7 runs);
//   - propagation: time from a flag change to BENCH_CLIENTS (100) SDK clients (sdk/, push stream)
//     all serving the new value, p50/p99 over every client and round, measured both from the
//     change call starting (its transaction included) and from it returning (committed and published);
//   - a node:http server that does nothing but answer the same bytes (plain-server.mjs), driven
//     the same way right after the bulk run: this machine's floor at that hour (its speed varies);
//   - Unleash side by side in the same run (scripts/bench/unleash.ts; installed from npm into
//     .data/bench/unleash on first use; BENCH_UNLEASH=0 skips it).
//   BENCH_URL (default http://localhost:$PORT or :3000), BENCH_SECONDS (10), BENCH_ROUNDS (20)
import "@/workers/load-env";
import { fork, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { db, disconnectDb } from "@/lib/db";
import { newSealedKey } from "@/lib/crypto/secretbox";
import { generateApiKey } from "@/lib/api-keys/key-format";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { loadUserActor } from "@/lib/auth/load-actor";
import type { UserActor } from "@/lib/auth/actor-types";
import { createFlag } from "@/lib/flags/create-flag";
import { changeFlag } from "@/lib/flags/change-flag";
import { evaluateFlag } from "@/lib/flags/evaluate";
import { loadEnvironment } from "@/lib/flags/delivery/load-snapshot";
import { createFlagsClient, type FlagsClient } from "@/sdk/src/index";
import { percentile } from "./http-load";
import { rawRequest, runRawLoad, summarizeRaw } from "./raw-load";
import { benchUnleash } from "./unleash";

const baseUrl = process.env.BENCH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
const clientsN = Number(process.env.BENCH_CLIENTS ?? 100);
const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
const RELEASE_FLAGS = 10;
const KILL = "bench-kill-switch";

const round2 = (n: number) => Number(n.toFixed(2));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function benchProject() {
  const prisma = db();
  const org = await prisma.organization.upsert({ where: { slug: "bench" }, create: { slug: "bench", name: "Benchmarks" }, update: {} });
  const slug = `bench-flags-${Date.now().toString(36)}`;
  // Unprotected, so that the bench can widen (turn the kill switch back on) without a second person.
  const project = await prisma.project.create({
    data: { orgId: org.id, slug, name: "Bench: flags", pseudonymKeyEnc: newSealedKey(), environments: { create: [{ key: "production", name: "Production", protected: false }] } },
    include: { environments: true },
  });
  const env = project.environments[0]!;
  const user = await prisma.user.create({ data: { email: `${slug}@bench.local`, name: "bench lead" } });
  await prisma.membership.create({ data: { projectId: project.id, userId: user.id, role: "LEAD" } });
  const lead = (await loadUserActor(user.id)) as UserActor;
  const { key, prefix, hash } = generateApiKey();
  await prisma.apiKey.create({ data: { projectId: project.id, environmentId: env.id, name: "bench", prefix, hash, scopes: ["FLAGS_READ"], rateLimitPerSecond: 10_000_000 } });

  const flagIds: Record<string, string> = {};
  for (let i = 0; i < RELEASE_FLAGS; i++) {
    const k = `bench-release-${i}`;
    const { flags } = await createFlag(lead, project.id, { key: k, kind: "RELEASE", reason: "bench" });
    await changeFlag(lead, project.id, { flagId: flags[0]!.flagId, config: { enabled: true, rolloutBps: 5_000 }, reason: "50 %" });
  }
  const { flags } = await createFlag(lead, project.id, { key: KILL, kind: "KILL_SWITCH", reason: "bench" });
  flagIds[KILL] = flags[0]!.flagId;
  await changeFlag(lead, project.id, { flagId: flagIds[KILL], config: { enabled: true, rolloutBps: 10_000 }, reason: "allowed" });
  return { projectId: project.id, environmentId: env.id, key, lead, killFlagId: flagIds[KILL] };
}

function summarize(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { samples: sorted.length, p50Ms: round2(percentile(sorted, 50)), p99Ms: round2(percentile(sorted, 99)), maxMs: round2(sorted.at(-1) ?? NaN) };
}

async function inProcessEvaluation(environmentId: string) {
  const env = (await loadEnvironment(environmentId))!;
  const snapshot = { environmentKillSwitchOn: env.killSwitchOn, flags: env.flags };
  const keys = Object.keys(env.flags);
  const perCall: number[] = [];
  const N = 200_000;
  let sink = 0;
  for (let run = 0; run < 8; run++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      const r = evaluateFlag(snapshot, keys[i % keys.length]!, { targetingKey: `user-${i & 4095}` });
      if (r.value === true) sink++;
    }
    const ns = Number(process.hrtime.bigint() - t) / N;
    if (run > 0) perCall.push(ns); // the first run warms the JIT
  }
  perCall.sort((a, b) => a - b);
  return { callsPerRun: N, runs: perCall.length, medianNsPerCall: round2(perCall[Math.floor(perCall.length / 2)]!), sink: sink > 0 };
}

async function propagation(projectId: string, key: string, lead: UserActor, killFlagId: string) {
  const clients: FlagsClient[] = Array.from({ length: clientsN }, (_, i) =>
    createFlagsClient({ baseUrl, apiKey: key, context: { targetingKey: `client-${i}` }, pollIntervalMs: 60_000 }),
  );
  try {
    const ready = await Promise.all(clients.map((c) => c.ready()));
    if (!ready.every(Boolean)) throw new Error("not every SDK client could fetch its flags");
    await waitFor(() => clients.every((c) => c.status().streaming), 10_000, "every client to connect its push stream");
    const fromStart: number[] = [];
    const fromCommit: number[] = [];
    const allSeenFromCommit: number[] = [];
    let expected = true;
    for (let round = 0; round < rounds; round++) {
      expected = !expected;
      const want = expected;
      const seenAt = new Array<number>(clientsN).fill(0);
      const unsubscribe = clients.map((c, i) =>
        c.onChange(() => {
          if (!seenAt[i] && c.getBoolean(KILL, !want) === want) seenAt[i] = performance.now();
        }),
      );
      const started = performance.now();
      await changeFlag(lead, projectId, { flagId: killFlagId, config: { enabled: want, rolloutBps: 10_000 }, reason: `bench round ${round}` });
      const committed = performance.now();
      await waitFor(() => seenAt.every((t) => t > 0), 10_000, `round ${round}: every client to see the change`);
      unsubscribe.forEach((u) => u());
      for (const t of seenAt) {
        fromStart.push(t - started);
        fromCommit.push(Math.max(0, t - committed));
      }
      allSeenFromCommit.push(Math.max(...seenAt) - committed);
      await sleep(300);
    }
    return {
      clients: clientsN,
      rounds,
      perClientFromChangeCall: summarize(fromStart),
      perClientFromCommit: summarize(fromCommit),
      lastClientPerRoundFromCommit: summarize(allSeenFromCommit),
    };
  } finally {
    clients.forEach((c) => c.close());
  }
}

async function waitFor(probe: () => boolean, ms: number, what: string) {
  const deadline = performance.now() + ms;
  while (!probe()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

/** The pid of the local process listening on the bench URL's port, if any (Linux). */
function serverPid(): number | null {
  if (process.env.BENCH_SERVER_PID) return Number(process.env.BENCH_SERVER_PID);
  const url = new URL(baseUrl);
  if (!["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)) return null;
  const ss = spawnSync("ss", ["-ltnpH", `sport = :${url.port || 80}`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(ss.stdout ?? "")?.[1];
  return pid ? Number(pid) : null;
}

/** CPU time (user + system) a process has used, µs; null when it cannot be read. */
function cpuMicros(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1e6) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Bulk evaluation under load, with the server's CPU per request when it can be read. */
async function bulkLoad(url: URL, warmUp: readonly Buffer[], requests: readonly Buffer[], pid: number | null) {
  await runRawLoad({ url: url.toString(), concurrency, seconds: 2, requests: warmUp });
  const cpu0 = cpuMicros(pid);
  const result = summarizeRaw(await runRawLoad({ url: url.toString(), concurrency, seconds, requests }));
  const cpu1 = cpuMicros(pid);
  return { ...result, serverCpuUsPerRequest: cpu0 !== null && cpu1 !== null && result.requests > 0 ? round2((cpu1 - cpu0) / result.requests) : null };
}

/** The same load against a node:http server that only answers fixed bytes (plain-server.mjs), in a process of its own. */
async function plainNodeHttp(requests: readonly Buffer[], bodyBytes: number) {
  const port = Number(new URL(baseUrl).port || 3000) + 23;
  const child = fork(fileURLToPath(new URL("./plain-server.mjs", import.meta.url)), [String(port)], { env: { ...process.env, BODY_BYTES: String(bodyBytes) }, stdio: "ignore" });
  try {
    await new Promise<void>((ok, fail) => {
      child.once("message", () => ok());
      child.once("exit", (code) => fail(new Error(`plain node:http server exited (${code})`)));
    });
    const url = `http://127.0.0.1:${port}/ofrep/v1/evaluate/flags`;
    await runRawLoad({ url, concurrency, seconds: 2, requests });
    return summarizeRaw(await runRawLoad({ url, concurrency, seconds, requests }));
  } finally {
    child.kill();
  }
}

async function main() {
  const health = await fetch(`${baseUrl}/api/health`).catch(() => null);
  if (!health?.ok) throw new Error(`No healthy Rampart at ${baseUrl} (start it with npm start, or set BENCH_URL)`);
  const { projectId, environmentId, key, lead, killFlagId } = await benchProject();
  const url = new URL(`${baseUrl}/ofrep/v1/evaluate/flags`);
  const pid = serverPid();
  const request = () => rawRequest("POST", url, url.pathname, { authorization: `Bearer ${key}` }, JSON.stringify({ context: { targetingKey: randomUUID(), platform: "web" } }));
  // A different user per request (2,000 pre-built requests, cycled; the warm-up sends the same).
  const users = Array.from({ length: 2_000 }, request);
  const bulk = await bulkLoad(url, users, users, pid);
  const sample = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: JSON.stringify({ context: { targetingKey: "sample" } }) });
  const plain = await plainNodeHttp(users, (await sample.arrayBuffer()).byteLength);
  const inProcess = await inProcessEvaluation(environmentId);
  const push = await propagation(projectId, key, lead, killFlagId);
  // Every request a user never seen before, in the warm-up too (more pre-built requests than a run can send);
  // after the propagation rounds, so that their clients do not share this process with these buffers.
  const fresh = await bulkLoad(url, Array.from({ length: 2 * 25_000 }, request), Array.from({ length: seconds * 25_000 }, request), pid);
  let unleash: Awaited<ReturnType<typeof benchUnleash>> | { skipped: string } | null = null;
  if (process.env.BENCH_UNLEASH !== "0") {
    unleash = await benchUnleash({ databaseUrl: process.env.DATABASE_URL!, seconds, concurrency }).catch((err: Error) => ({ skipped: err.message }));
  }
  const peer = unleash && "frontendApiEvaluation" in unleash ? unleash : null;

  console.log(
    JSON.stringify(
      {
        benchmark: "flags",
        url: baseUrl,
        flags: { release50pct: RELEASE_FLAGS, killSwitch: 1 },
        ofrepBulkEvaluation: { concurrency, users: 2_000, ...bulk },
        ofrepBulkEvaluationFreshContexts: { concurrency, ...fresh },
        // The same requests, generator and answer size against a node:http server doing nothing else: this hour's floor.
        plainNodeHttpSameAnswer: { concurrency, ...plain },
        serverPid: pid,
        inProcessEvaluation: inProcess,
        propagation: push,
        unleash,
        bulkVsPlainNodeHttp: { requestsPerSecond: round2(bulk.requestsPerSecond / plain.requestsPerSecond), p99: round2(bulk.p99Ms / plain.p99Ms) },
        ratios: peer
          ? {
              bulkRequestsPerSecondVsUnleashFrontend: round2(bulk.requestsPerSecond / peer.frontendApiEvaluation.requestsPerSecond),
              bulkP99VsUnleashP99: round2(bulk.p99Ms / peer.frontendApiEvaluation.p99Ms),
              propagationP50VsUnleash1sPollingP50: round2(push.perClientFromCommit.p50Ms / peer.sdkPropagationPolling1s.p50Ms),
            }
          : null,
        targets: { bulkRequestsPerSecond: 10_000, bulkP99Ms: 10, propagationP99Ms: 250 },
      },
      null,
      2,
    ),
  );
}

main()
  .catch((err) => {
    console.error(`[bench:flags] ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await closeQueues();
    await disconnectRedis();
    await disconnectDb();
    setTimeout(() => process.exit(), 500).unref();
  });
