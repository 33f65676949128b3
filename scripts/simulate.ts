// npm run simulate — watch automated rollback happen. Creates a sandbox
// project with a release flag at a 5 % canary (which gets the playbook's
// rollback rules) and a signed webhook to a receiver in this process, sends
// realistic traffic through the ingest API, then a harmful-output spike from
// the canary, and follows what Rampart does: the rule fires, the rollout is
// cut, an incident opens, the notification arrives. Prints the time from the
// spike being acknowledged by ingest to the flag change being in effect (as
// clients see it on the flag change stream); the target is under 10 s.
//
// Uses the app at SIMULATE_URL (default http://localhost:$PORT or :3000)
// when it answers; otherwise serves the public API's own handlers in this
// process. Starts a worker for the run when none is alive.
//   SIMULATE_USERS (6000): interactions before the spike, one user each.
import "@/workers/load-env";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { loadConfigOrExit } from "@/lib/config";
import { db, disconnectDb } from "@/lib/db";
import { createRedis, disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { liveWorkerCount } from "@/lib/health";
import { newSealedKey } from "@/lib/crypto/secretbox";
import { loadUserActor } from "@/lib/auth/load-actor";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { createFlag } from "@/lib/flags/create-flag";
import { evaluateFlag, type EvaluationSnapshot } from "@/lib/flags/evaluate";
import { flagChannel, type FlagStreamMessage } from "@/lib/flags/change-stream";
import { flagConfigSchema } from "@/lib/flags/schemas";
import { leanRoutes } from "@/lib/http/public-api";
import { createWebhookEndpoint } from "@/lib/webhooks/create-webhook-endpoint";
import { WEBHOOK_HEADERS, verifySignature } from "@/lib/webhooks/signature";

loadConfigOrExit();
const FLAG = "demo-assistant";
const CANARY_BPS = 500;
const USERS = Number(process.env.SIMULATE_USERS ?? 6000);
const BATCH = 200;
const DEADLINE_MS = 60_000;

const t = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const say = (line = "") => console.log(line);
const cleanups: (() => Promise<unknown> | void)[] = [];

async function main(): Promise<number> {
  say("Rampart simulation: a harmful-output spike on a canary\n");
  const api = await publicApi();
  await ensureWorker();

  // A sandbox project: production is unprotected here, so the canary needs no second person.
  const org = await db().organization.upsert({ where: { slug: "simulation" }, create: { slug: "simulation", name: "Simulation" }, update: {} });
  const user = await db().user.upsert({ where: { email: "simulator@rampart.local" }, create: { email: "simulator@rampart.local", name: "Simulator" }, update: {} });
  await db().orgMembership.upsert({ where: { orgId_userId: { orgId: org.id, userId: user.id } }, create: { orgId: org.id, userId: user.id, role: "OWNER" }, update: {} });
  const actor = (await loadUserActor(user.id))!;
  const project = await db().project.create({
    data: {
      orgId: org.id,
      slug: `simulation-${Date.now().toString(36)}`,
      name: `Simulation ${new Date().toISOString().slice(0, 19).replace("T", " ")}`,
      pseudonymKeyEnc: newSealedKey(),
      environments: { create: [{ key: "production", name: "Production (sandbox)", protected: false }] },
    },
  });
  const { key } = await createApiKey(actor, project.id, { name: "simulation", scopes: ["events:write"] });
  const { flags } = await createFlag(actor, project.id, { key: FLAG, kind: "RELEASE", config: { enabled: true, rolloutBps: CANARY_BPS }, reason: "Canary for the simulation" });
  const flag = await db().flag.findUniqueOrThrow({ where: { id: flags[0]!.flagId }, include: { versions: true, rollbackRules: true } });
  const receiver = await startReceiver();
  const { secret } = await createWebhookEndpoint(actor, project.id, { name: "simulation receiver", url: receiver.url, style: "GENERIC" });
  say(`project   ${project.slug}`);
  say(`flag      ${FLAG}: ${CANARY_BPS / 100} % canary, version ${flag.currentVersion}, rules: ${flag.rollbackRules.map((r) => r.name).join("; ")}`);
  say(`webhook   ${receiver.url} (generic JSON, HMAC-SHA256 signed)\n`);

  const snapshot: EvaluationSnapshot = {
    environmentKillSwitchOn: false,
    flags: { [FLAG]: { key: FLAG, kind: "RELEASE", version: flag.currentVersion, salt: flag.salt, config: flagConfigSchema.parse(flag.versions[0]!.config) } },
  };
  const send = async (events: unknown[]) => {
    const res = await fetch(`${api}/api/v1/events`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ events }) });
    if (!res.ok) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  };

  // Phase 1: normal traffic. Each user is in or out of the canary as the flag decides; a classifier looks at every answer.
  let exposed = 0;
  const started = Date.now();
  for (let i = 0; i < USERS; i += BATCH) {
    const events: unknown[] = [];
    for (let j = i; j < Math.min(USERS, i + BATCH); j++) {
      const e = exchange(snapshot, `user-${j}`);
      if (e.exposed) exposed++;
      events.push(e.interaction, e.verdict(false));
    }
    await send(events);
  }
  say(`phase 1   ${USERS} interactions in ${t(Date.now() - started)}, ${exposed} of them on the canary; classifier verdicts: all pass`);
  await waitFor("the worker to count the traffic", async () => (await pendingBatches(project.id)) === 0);
  say(`          counted by the worker into the rollback windows\n`);

  // Phase 2: the canary starts producing harmful output.
  const changes = await watchFlagChanges(project.id);
  const spike: unknown[] = [];
  let harmful = 0;
  let spikeExposed = 0;
  for (let j = 0; spikeExposed < 12; j++) {
    const e = exchange(snapshot, `spike-user-${j}`);
    if (!e.exposed) continue;
    spikeExposed++;
    harmful++;
    spike.push(e.interaction, e.verdict(true));
  }
  const rate = harmful / (exposed + spikeExposed);
  await send(spike);
  const ackedAt = Date.now();
  say(`phase 2   spike: ${harmful} flagged answers from the canary (${(rate * 100).toFixed(2)} % of its ${exposed + spikeExposed} responses), acknowledged by ingest`);

  const change = await waitFor("the rollout to be cut", async () => changes.find((m) => m.actor.type === "SYSTEM" && (m.type === "flag.changed" || m.type === "environment.kill_switch")));
  const inEffectMs = change.receivedAt - ackedAt;
  const evaluation = await waitFor("the rule evaluation", () => db().ruleEvaluation.findFirst({ where: { projectId: project.id, fired: true }, include: { rule: true } }));
  say(`  ✓ rule fired        ${evaluation.rule.name}`);
  if (change.message.type === "environment.kill_switch") {
    say(`  ✓ kill switch on    ${change.message.environmentKey}, ${t(inEffectMs)} after the spike was acknowledged`);
  } else if (change.message.type === "flag.changed") {
    say(`  ✓ rollout cut       ${CANARY_BPS / 100} % → ${change.message.exposureBps / 100} % (version ${change.message.version}), in effect ${t(inEffectMs)} after the spike was acknowledged`);
  }
  const incident = await waitFor("the incident", () =>
    db().incident.findFirst({ where: { projectId: project.id, mitigatedAt: { not: null } }, include: { events: { orderBy: [{ createdAt: "asc" }, { seq: "asc" }] } } }),
  );
  say(`  ✓ incident opened   INC-${incident.number} ${incident.severity} ${incident.status.toLowerCase()}: ${incident.title}`);
  for (const e of incident.events) say(`                      ${e.createdAt.toISOString().slice(11, 23)}  ${e.kind.padEnd(15)} ${e.message.slice(0, 110)}`);
  const hook = await waitFor("the webhook", async () => receiver.received.find((r) => r.event === "incident.opened"));
  const signed = verifySignature(secret, { timestamp: hook.timestamp, signature: hook.signature }, hook.body);
  say(`  ✓ webhook received  incident.opened, ${t(hook.at - ackedAt)} after the spike; signature ${signed ? "verified" : "DOES NOT VERIFY"}\n`);

  const ok = inEffectMs < 10_000 && signed;
  say(`Time from the breaching samples being acknowledged by ingest to the flag change being in effect: ${t(inEffectMs)} (target < 10 s) ${ok ? "✓" : "✗"}`);
  return ok ? 0 : 1;
}

/** One user's request: the interaction as the app reports it, and a classifier verdict on it. */
function exchange(snapshot: EvaluationSnapshot, userId: string) {
  const evaluation = evaluateFlag(snapshot, FLAG, { targetingKey: userId, platform: "web" });
  const exposed = evaluation.variant === "on";
  const requestId = randomUUID();
  const occurredAt = new Date().toISOString();
  return {
    exposed,
    interaction: {
      type: "interaction",
      requestId,
      occurredAt,
      environment: "production",
      model: { provider: "openai", id: exposed ? "gpt-4.1" : "gpt-4.1-mini" },
      promptTemplate: { id: "support-answer", version: exposed ? "8" : "7" },
      prompt: [
        { role: "system", content: "You are a helpful support assistant for Acme." },
        { role: "user", content: "How do I get a refund for a damaged order?" },
      ],
      response: "Open Orders, choose the order and select Request a refund.",
      flags: { [FLAG]: { value: evaluation.value, variant: evaluation.variant ?? undefined, version: evaluation.version } },
      cohort: { platform: "web", region: "eu-west" },
      userId,
      latencyMs: 600 + Math.floor(Math.random() * 900),
      tokens: { input: 180, output: 60 },
      cost: 0.0031,
    },
    verdict: (harmful: boolean) => ({
      type: "verdict",
      eventId: `v-${requestId}`,
      requestId,
      occurredAt,
      classifier: { name: "llama-guard", version: "3" },
      scores: harmful ? { S10: 0.93 } : { S10: 0.02 },
      decision: harmful ? "flag" : "pass",
    }),
  };
}

async function publicApi(): Promise<string> {
  const url = process.env.SIMULATE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  if (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok).catch(() => false)) {
    say(`ingest    ${url} (the running app)`);
    return url;
  }
  // The same handlers the production server's lean layer serves.
  const route = leanRoutes["POST /api/v1/events"]!;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const response = await route(
        new Request(`http://localhost${req.url}`, { method: "POST", headers: req.headers as Record<string, string>, body: new Uint8Array(Buffer.concat(chunks)) }),
        undefined,
      );
      res.writeHead(response.status, { "content-type": "application/json" }).end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  say(`ingest    ${local} (no app at ${url}: the public API's handlers, served by this process)`);
  return local;
}

async function ensureWorker(): Promise<void> {
  const live = await liveWorkerCount();
  if (live > 0) {
    say(`worker    ${live} running`);
    return;
  }
  const child: ChildProcess = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
    env: { ...process.env, WORKER_HEALTH_PORT: "0" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  cleanups.push(() => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once("exit", resolve), child.kill("SIGTERM")))));
  await waitFor("the worker to start", async () => (await liveWorkerCount()) > 0, 30_000);
  say("worker    started one for this run");
}

function pendingBatches(projectId: string) {
  return db().outboxEvent.count({ where: { queue: "ingest", processedAt: null, payload: { path: ["projectId"], equals: projectId } } });
}

/** Flag changes as clients see them: the change stream, published once a change is committed. */
async function watchFlagChanges(projectId: string) {
  const seen: { message: FlagStreamMessage; receivedAt: number }[] = [];
  const sub = createRedis();
  sub.on("message", (_channel: string, raw: string) => seen.push({ message: JSON.parse(raw) as FlagStreamMessage, receivedAt: Date.now() }));
  await sub.subscribe(flagChannel(projectId));
  cleanups.push(() => sub.disconnect());
  return {
    find: (pred: (m: FlagStreamMessage) => boolean) => seen.find((s) => pred(s.message)),
  };
}

async function startReceiver() {
  const received: { event: string; body: string; timestamp: string; signature: string; at: number }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      received.push({
        event: String(req.headers[WEBHOOK_HEADERS.event]),
        body,
        timestamp: String(req.headers[WEBHOOK_HEADERS.timestamp]),
        signature: String(req.headers[WEBHOOK_HEADERS.signature]),
        at: Date.now(),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rampart`, received };
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up after ${t(timeoutMs)} waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`\nsimulation failed: ${(err as Error).message}`);
} finally {
  for (const c of cleanups.reverse()) await c();
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
}
process.exit(code);
