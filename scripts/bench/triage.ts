// npm run bench:triage — prints JSON:
//  1. items/s through the triage processor (one job per flagged interaction,
//     processed by a BullMQ worker in this process at the deployed worker's
//     ingest concurrency; a running app's ingest queue is paused meanwhile, so
//     its worker does not race the timed run on the setup data) against raw BullMQ
//     add + no-op process of the same number of jobs, in the same run (ratio);
//  2. with a running app and worker (npm start): the p50/p99 delay from ingest
//     acknowledgement to the triage item being claimable, under ~1,000 events/s.
//   BENCH_URL (default http://localhost:3000), BENCH_JOBS (2000), BENCH_SECONDS (10)
import "@/workers/load-env";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { Queue, QueueEvents, Worker } from "bullmq";
import { db, disconnectDb } from "@/lib/db";
import { createRedis, disconnectRedis } from "@/lib/redis";
import { closeQueues, producerQueue } from "@/lib/queues/producers";
import { registrations } from "@/workers/registry";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { processAcceptedBatch } from "@/lib/triage/process-signals";
import { drainSlaTimers } from "@/lib/triage/sla-timers";
import { newSealedKey } from "@/lib/crypto/secretbox";
import { generateApiKey } from "@/lib/api-keys/key-format";
import { defaultEnvironments, defaultSlaPolicies } from "@/lib/projects/defaults";
import { percentile, post } from "./http-load";
import type { ApiKeyActor } from "@/lib/auth/actor-types";

const baseUrl = process.env.BENCH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const jobs = Number(process.env.BENCH_JOBS ?? 2000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const PREFIX = "rampart-bench";

const event = (requestId: string) => ({
  type: "interaction",
  requestId,
  occurredAt: new Date().toISOString(),
  environment: "production",
  model: { provider: "openai", id: "gpt-4.1-mini", version: "2025-04-14" },
  prompt: [{ role: "user", content: "Tell me about your refund policy, please. ".repeat(10) }],
  response: "Refunds are available within 30 days for annual plans. ".repeat(10),
  flags: { "assistant-v2": { value: true, version: 3 } },
  userId: `u-${requestId.slice(0, 4)}`,
});
const flag = (requestId: string) => ({
  type: "verdict",
  eventId: `v-${requestId}`,
  requestId,
  occurredAt: new Date().toISOString(),
  classifier: { name: "llama-guard", version: "3" },
  scores: { S10: 0.9 },
  decision: "flag",
});

async function benchProject() {
  const prisma = db();
  const org = await prisma.organization.upsert({ where: { slug: "bench" }, create: { slug: "bench", name: "Benchmarks" }, update: {} });
  const slug = `bench-triage-${Date.now()}`;
  const project = await prisma.project.create({
    data: {
      orgId: org.id,
      slug,
      name: "Bench: triage",
      pseudonymKeyEnc: newSealedKey(),
      environments: { create: defaultEnvironments.map((e) => ({ ...e })) },
      slaPolicies: { create: defaultSlaPolicies },
    },
  });
  const { key, prefix, hash } = generateApiKey();
  const row = await prisma.apiKey.create({ data: { projectId: project.id, name: "bench", prefix, hash, scopes: ["EVENTS_WRITE"], rateLimitPerSecond: 10_000_000 } });
  const actor: ApiKeyActor = { kind: "apiKey", keyId: row.id, keyName: "bench", projectId: project.id, environmentId: null, scopes: ["events:write"], rateLimitPerSecond: null };
  return { projectId: project.id, key, actor };
}

/** Adds `payloads` as jobs and processes them with `fn`; returns jobs/s from first add to last completion. */
async function timeQueue(name: string, payloads: object[], fn: (data: never) => Promise<unknown>, concurrency: number) {
  // BullMQ leaves connections it was handed open: each is closed below, or the process would not exit.
  const [connection, eventsConnection, workerConnection] = [createRedis(), createRedis(), createRedis()];
  const queue = new Queue(name, { connection, prefix: PREFIX });
  const events = new QueueEvents(name, { connection: eventsConnection, prefix: PREFIX });
  await queue.obliterate({ force: true }).catch(() => undefined);
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    events.on("completed", () => {
      if (++done === payloads.length) resolve();
    });
  });
  await events.waitUntilReady();
  const started = performance.now();
  const worker = new Worker(name, (job) => fn(job.data as never), { connection: workerConnection, prefix: PREFIX, concurrency });
  for (let i = 0; i < payloads.length; i += 500) await queue.addBulk(payloads.slice(i, i + 500).map((data) => ({ name: "job", data })));
  await finished;
  const secs = (performance.now() - started) / 1000;
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  for (const c of [connection, eventsConnection, workerConnection]) c.disconnect();
  return { jobs: payloads.length, seconds: Number(secs.toFixed(2)), perSecond: Math.round(payloads.length / secs) };
}

/** The running worker's concurrency for ingest batches: the processor is timed as it is deployed. */
const INGEST_CONCURRENCY = registrations.find((r) => r.queue === "ingest")!.concurrency;

async function processorThroughput() {
  // A running app's worker would triage the setup batches below at the same
  // time as the timed run (which then mostly recomputes items the worker made,
  // sharing the CPU with it): its ingest queue is paused meanwhile.
  const ingestQueue = producerQueue("ingest");
  await ingestQueue.pause();
  try {
    return { ...(await timedProcessor()), concurrency: INGEST_CONCURRENCY, appIngestQueuePaused: true };
  } finally {
    await ingestQueue.resume();
  }
}

async function timedProcessor() {
  const { projectId, actor } = await benchProject();
  const requestIds = Array.from({ length: jobs }, () => randomUUID());
  for (let i = 0; i < requestIds.length; i += 250) {
    const slice = requestIds.slice(i, i + 250);
    await ingestEvents(actor, [...slice.map(event), ...slice.map(flag)]);
  }
  const verdicts = await db().verdict.findMany({ where: { projectId }, select: { id: true } });
  const payloads = verdicts.map((v) => ({ projectId, interactions: [], verdicts: [v.id], reports: [] }));
  const triage = await timeQueue("bench-triage", payloads, (data: Parameters<typeof processAcceptedBatch>[0]) => processAcceptedBatch(data), INGEST_CONCURRENCY);
  const items = await db().triageItem.count({ where: { projectId } });
  const raw = await timeQueue("bench-raw", payloads, async () => undefined, INGEST_CONCURRENCY);
  return { triage: { ...triage, itemsCreated: items }, rawBullmq: raw, ratio: Number((triage.perSecond / raw.perSecond).toFixed(3)) };
}

async function claimableDelay() {
  const health = await fetch(`${baseUrl}/api/health`).then((r) => (r.ok ? r.json() : null)).catch(() => null);
  if (!health || !(health as { workers: number }).workers) return { skipped: `no running app with a worker at ${baseUrl} (npm start)` };
  const { projectId, key } = await benchProject();
  const url = new URL(`${baseUrl}/api/v1/events`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const acks = new Map<string, number>();
  const perRequest = 5; // 5 interactions + 5 flags = 10 events
  const requestsPerSecond = 100; // → 1,000 events/s
  const total = requestsPerSecond * seconds;
  const started = Date.now();
  const inflight: Promise<void>[] = [];
  let errors = 0;
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / requestsPerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const ids = Array.from({ length: perRequest }, () => randomUUID());
    const body = JSON.stringify({ events: [...ids.map(event), ...ids.map(flag)] });
    inflight.push(
      post(agent, url, body, { authorization: `Bearer ${key}` }).then((status) => {
        if (status !== 200) errors++;
        const at = Date.now();
        for (const id of ids) acks.set(id, at);
      }, () => void errors++),
    );
  }
  await Promise.all(inflight);
  const sendSeconds = (Date.now() - started) / 1000;
  const deadline = Date.now() + 60_000;
  while ((await db().triageItem.count({ where: { projectId } })) < acks.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const items = await db().triageItem.findMany({ where: { projectId }, select: { requestId: true, createdAt: true } });
  const delays = items.map((i) => Math.max(0, i.createdAt.getTime() - (acks.get(i.requestId) ?? i.createdAt.getTime()))).sort((a, b) => a - b);
  agent.destroy();
  return {
    eventsPerSecondOffered: Math.round((acks.size * 2) / sendSeconds),
    requests: total,
    errors,
    items: items.length,
    expectedItems: acks.size,
    delayMs: { p50: percentile(delays, 50), p99: percentile(delays, 99), max: delays.at(-1) ?? null },
  };
}

async function main() {
  const processor = await processorThroughput();
  const latency = await claimableDelay();
  console.log(JSON.stringify({ benchmark: "triage", processor, ackToClaimable: latency, targets: { p99Ms: 1000, ratio: 0.3 } }, null, 2));
}

main()
  .catch((err) => {
    console.error(`[bench:triage] ${(err as Error).message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    // Triage schedules SLA timers after commit without waiting: let them land before the producers close.
    await drainSlaTimers();
    await closeQueues();
    await disconnectRedis();
    await disconnectDb();
  });
