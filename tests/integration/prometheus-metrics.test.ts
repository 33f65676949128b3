// GET /metrics against real Postgres and Redis: every figure equals what was
// seeded (computed here independently), label values are escaped, archived
// projects are left out, the hot-path counters move with real ingest and
// OFREP calls, and `promtool check metrics` accepts the whole scrape.
import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { newSealedKey, seal } from "@/lib/crypto/secretbox";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { createFlag } from "@/lib/flags/create-flag";
import { changeFlag } from "@/lib/flags/change-flag";
import { closeSnapshotStore } from "@/lib/flags/delivery/snapshot-store";
import { evaluateBulk, evaluateSingle, type PlainRequest } from "@/lib/flags/delivery/ofrep";
import { escapeLabelValue } from "@/lib/metrics/exposition";
import { metricsResponse, renderMetrics } from "@/lib/metrics/prometheus";
import { makeTenant, memberActor, uniq } from "./fixtures";
import { interaction, sendEvents, verdict } from "./ingest-helpers";

const TOKEN = `test-${randomBytes(16).toString("hex")}`;
process.env.RAMPART_METRICS_TOKEN = TOKEN;

const now = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 17_250);
const minute = (ago: number) => new Date(Math.floor(now.getTime() / 60_000) * 60_000 - ago * 60_000);

let projectId: string;
let slug: string;
let orgId: string;
let eventsKey: string;
let flagsKey: string;
const extraProjects: string[] = [];
const weirdSlug = `we"ird\\slug\n${randomBytes(3).toString("hex")}`;
let archivedSlug: string;

/** The value of the sample `name{labels}` in a scrape (labels in the order written), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const rendered = Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
    .join(",");
  const prefix = `${name}{${rendered}} `;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

function rollupRow(bucket: Date, harmful: number, responses: number, dim = "all", key = "", grain = "m") {
  return {
    projectId, grain, dim, key, bucket, responses, harmful,
    errors: 0, flagged: harmful, blocked: 0, falseRefusals: 0, reviewed: 0, reports: 0, reportedResponses: 0,
    latencyCount: 0, latencySumMs: 0n, latencyHist: [], costCount: 0, costSumMicros: 0n, costHist: [], tokensIn: 0n, tokensOut: 0n,
  };
}

function reviewRow(bucket: Date, severity: "SEV1" | "SEV2" | "SEV3" | "SEV4", firstTriageBreached: number, resolutionBreached: number, grain = "h") {
  return {
    projectId, grain, bucket, severity, created: 10, firstTriaged: 5, resolved: 3, firstTriageBreached, resolutionBreached,
    firstTriageHist: [], resolutionHist: [], firstTriageSumS: 0n, resolutionSumS: 0n,
  };
}

const plain = (path: string, key: string, body: unknown): PlainRequest => ({
  method: "POST",
  path,
  query: new URLSearchParams(),
  header: (name) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" })[name],
  body: Buffer.from(JSON.stringify(body)),
});

beforeAll(async () => {
  const t = await makeTenant();
  projectId = t.project.id;
  slug = t.project.slug;
  orgId = t.org.id;
  const admin = await memberActor(projectId, "ADMIN");
  const lead = await memberActor(projectId, "LEAD");
  eventsKey = (await createApiKey(admin, projectId, { name: "ingest", scopes: ["events:write"] })).key;
  const staging = await db().environment.create({ data: { projectId, key: "staging", name: "Staging", protected: false } });
  flagsKey = (await createApiKey(admin, projectId, { name: "flags", scopes: ["flags:read"], environmentId: staging.id })).key;
  const { flags } = await createFlag(lead, projectId, { key: uniq("half"), kind: "RELEASE", reason: "test" });
  await changeFlag(lead, projectId, { flagId: flags.find((f) => f.environmentId === staging.id)!.flagId, config: { enabled: true, rolloutBps: 5_000 }, reason: "half" });
  await createFlag(lead, projectId, { key: uniq("dark"), kind: "RELEASE", reason: "test" });

  // Projects whose slugs only a direct write could produce (the slug schema forbids them) exercise the escaping;
  // an archived one must not be scraped.
  const weird = await db().project.create({ data: { orgId, slug: weirdSlug, name: 'Name "with" \\ quotes', pseudonymKeyEnc: newSealedKey() } });
  archivedSlug = uniq("archived");
  const archived = await db().project.create({ data: { orgId, slug: archivedSlug, name: "Old", pseudonymKeyEnc: newSealedKey(), archivedAt: new Date() } });
  extraProjects.push(weird.id, archived.id);
  await db().triageItem.create({ data: { projectId: weird.id, requestId: "w-1", severity: "SEV2", source: "REPORT" } });

  // Triage items: open ones in every open status, closed ones that must not count.
  const statuses = ["NEW", "CLAIMED", "WAITING_INFO", "ESCALATED", "RESOLVED", "DISMISSED"] as const;
  const severities = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
  const items = Array.from({ length: 57 }, (_, i) => ({
    projectId,
    requestId: `req-${i}`,
    status: statuses[i % statuses.length]!,
    severity: severities[(i * 7) % 4]!,
    source: "CLASSIFIER" as const,
    // The oldest item is closed, so the oldest open one is an hour and a half old.
    createdAt: i === 0 ? new Date(now.getTime() - 86_400_000) : new Date(now.getTime() - (i === 1 ? 5_400_000 : i * 1_000)),
  }));
  items[0]!.status = "RESOLVED";
  await db().triageItem.createMany({ data: items });

  // Per-minute rollups over 70 minutes; other dimensions and the hourly grain must not be added in.
  await db().metricRollup.createMany({
    data: [
      ...Array.from({ length: 70 }, (_, i) => rollupRow(minute(i), i % 3, 10 + i)),
      rollupRow(minute(0), 999, 1000, "model", "openai/gpt"),
      rollupRow(minute(0), 999, 1000, "all", "", "h"),
    ],
  });

  await db().reviewRollup.createMany({
    data: [
      reviewRow(minute(60 * 24 * 40), "SEV1", 2, 1),
      reviewRow(minute(120), "SEV1", 3, 0),
      reviewRow(minute(60), "SEV2", 0, 4),
      reviewRow(minute(1), "SEV1", 50, 50, "m"),
    ],
  });

  const rule = await db().rollbackRule.create({
    data: { projectId, name: "harm", metric: "HARMFUL_RATE", windowSeconds: 300, comparison: "ABSOLUTE", threshold: 0.01, action: "HALVE" },
  });
  const evaluation = (o: { fired: boolean; dryRun: boolean; actionTaken: "HALVE" | "GLOBAL_KILL" | null }) => ({ ruleId: rule.id, projectId, value: 0.02, samples: 500, snapshot: {}, ...o });
  await db().ruleEvaluation.createMany({
    data: [
      evaluation({ fired: true, dryRun: false, actionTaken: "HALVE" }),
      evaluation({ fired: true, dryRun: false, actionTaken: "HALVE" }),
      evaluation({ fired: true, dryRun: false, actionTaken: "GLOBAL_KILL" }),
      evaluation({ fired: true, dryRun: true, actionTaken: "HALVE" }),
      evaluation({ fired: true, dryRun: false, actionTaken: null }),
      evaluation({ fired: false, dryRun: false, actionTaken: null }),
    ],
  });

  const endpoint = await db().webhookEndpoint.create({ data: { projectId, name: "hook", url: "https://hooks.test/x", secretEnc: seal(randomBytes(32)), enabled: false } });
  const delivery = (status: "PENDING" | "DELIVERED" | "FAILED" | "DEAD", attempts: number) => ({
    endpointId: endpoint.id, projectId, event: "incident.opened", payload: {}, idempotencyKey: randomUUID(), status, attempts,
  });
  await db().webhookDelivery.createMany({
    data: [delivery("DELIVERED", 1), delivery("DELIVERED", 1), delivery("DELIVERED", 3), delivery("FAILED", 2), delivery("DEAD", 8), delivery("PENDING", 0), delivery("PENDING", 8)],
  });

  const incident = (number: number, status: "OPEN" | "ACKNOWLEDGED" | "MITIGATED" | "RESOLVED", severity: "SEV1" | "SEV2" | "SEV3") => ({
    projectId, number, title: `INC-${number}`, status, severity, source: "MANUAL" as const,
  });
  await db().incident.createMany({
    data: [incident(1, "OPEN", "SEV1"), incident(2, "MITIGATED", "SEV1"), incident(3, "RESOLVED", "SEV2"), incident(4, "ACKNOWLEDGED", "SEV3"), incident(5, "RESOLVED", "SEV1")],
  });
});

afterAll(async () => {
  await db().triageItem.deleteMany({ where: { projectId: { in: extraProjects } } });
  await db().project.deleteMany({ where: { id: { in: extraProjects } } });
  closeSnapshotStore();
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

describe("GET /metrics", () => {
  it("reports queue depth per severity and the age of the oldest open item, as counted from the items", async () => {
    const text = await renderMetrics(now);
    const open = await db().triageItem.groupBy({ by: ["severity"], where: { projectId, status: { in: ["NEW", "CLAIMED", "WAITING_INFO", "ESCALATED"] } }, _count: { _all: true } });
    for (const severity of ["SEV1", "SEV2", "SEV3", "SEV4"] as const) {
      const expected = open.find((g) => g.severity === severity)?._count._all ?? 0;
      expect(sample(text, "rampart_queue_depth", { project: slug, severity: severity.toLowerCase() })).toBe(expected);
    }
    expect(open.reduce((n, g) => n + g._count._all, 0)).toBe(38);
    expect(sample(text, "rampart_queue_oldest_age_seconds", { project: slug })).toBe(5_400);
  });

  it("computes harmful rates over the last 5 and 60 minute buckets of the 'all' rollup", async () => {
    const text = await renderMetrics(now);
    const sum = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i)).reduce((a, b) => a + b, 0);
    for (const [window, n] of [["5m", 5], ["1h", 60]] as const) {
      const harmful = sum(n, (i) => i % 3);
      const responses = sum(n, (i) => 10 + i);
      expect(sample(text, "rampart_responses", { project: slug, window })).toBe(responses);
      expect(sample(text, "rampart_harmful_rate", { project: slug, window })).toBeCloseTo(harmful / responses, 12);
    }
    // No responses: the rate is not a number rather than a reassuring zero.
    expect(sample(text, "rampart_harmful_rate", { project: weirdSlug, window: "5m" })).toBeNaN();
  });

  it("sums hourly SLA breaches, counts rollback actions actually taken, webhook deliveries and failures, open incidents", async () => {
    const text = await renderMetrics(now);
    const m = (name: string, labels: Record<string, string>) => sample(text, name, { project: slug, ...labels });
    expect(m("rampart_sla_breaches_total", { severity: "sev1", kind: "first_triage" })).toBe(5);
    expect(m("rampart_sla_breaches_total", { severity: "sev1", kind: "resolution" })).toBe(1);
    expect(m("rampart_sla_breaches_total", { severity: "sev2", kind: "resolution" })).toBe(4);
    expect(m("rampart_sla_breaches_total", { severity: "sev3", kind: "first_triage" })).toBe(0);

    expect(m("rampart_rollback_actions_total", { action: "halve" })).toBe(2);
    expect(m("rampart_rollback_actions_total", { action: "global_kill" })).toBe(1);
    expect(m("rampart_rollback_actions_total", { action: "pause" })).toBe(0);

    expect(m("rampart_webhook_deliveries", { status: "delivered" })).toBe(3);
    expect(m("rampart_webhook_deliveries", { status: "pending" })).toBe(2);
    expect(m("rampart_webhook_deliveries", { status: "failed" })).toBe(1);
    expect(m("rampart_webhook_deliveries", { status: "dead" })).toBe(1);
    // 2 retries of a delivered one, 2 + 8 + 8 attempts of undelivered ones.
    expect(m("rampart_webhook_failures_total", {})).toBe(20);

    expect(m("rampart_incidents_open", { severity: "sev1" })).toBe(2);
    expect(m("rampart_incidents_open", { severity: "sev2" })).toBe(0);
    expect(m("rampart_incidents_open", { severity: "sev3" })).toBe(1);
  });

  it("escapes label values and leaves archived projects out", async () => {
    const text = await renderMetrics(now);
    expect(text).toContain(`rampart_queue_depth{project="we\\"ird\\\\slug\\n${weirdSlug.slice(-6)}",severity="sev2"} 1\n`);
    expect(text).not.toContain(archivedSlug);
  });

  it("counts ingested events by kind and per-event status", async () => {
    const before = await renderMetrics(now);
    const i = interaction();
    const res = await sendEvents(eventsKey, { events: [i, i, verdict(i.requestId), { type: "interaction", requestId: "broken" }, { type: "nonsense" }] });
    expect(res.status).toBe(200);
    const retry = await sendEvents(eventsKey, { events: [verdict(i.requestId, { eventId: res.json.results[2].id })] });
    expect(retry.json.results[0].status).toBe("duplicate");
    const after = await renderMetrics(now);
    const delta = (kind: string, status: string) =>
      (sample(after, "rampart_ingest_events_total", { project: slug, kind, status }) ?? NaN) - (sample(before, "rampart_ingest_events_total", { project: slug, kind, status }) ?? 0);
    expect(delta("interaction", "accepted")).toBe(1);
    expect(delta("interaction", "duplicate")).toBe(1);
    expect(delta("interaction", "rejected")).toBe(1);
    expect(delta("verdict", "accepted")).toBe(1);
    expect(delta("verdict", "duplicate")).toBe(1);
    expect(delta("report", "accepted")).toBe(0);
    expect(delta("unknown", "rejected")).toBe(1);
  });

  it("counts every flag a bulk evaluation serves by its reason, and single evaluations too", async () => {
    const before = await renderMetrics(now);
    const reasons: Record<string, number> = {};
    for (let u = 0; u < 6; u++) {
      const res = await evaluateBulk(plain("/ofrep/v1/evaluate/flags", flagsKey, { context: { targetingKey: `user-${u}` } }), "http://test");
      expect(res.status).toBe(200);
      for (const f of (JSON.parse(res.body) as { flags: { reason: string }[] }).flags) reasons[f.reason] = (reasons[f.reason] ?? 0) + 1;
    }
    expect((await evaluateSingle(plain("/ofrep/v1/evaluate/flags/nope", flagsKey, { context: { targetingKey: "u" } }), "nope")).status).toBe(404);
    reasons.ERROR = (reasons.ERROR ?? 0) + 1;
    expect(Object.values(reasons).reduce((a, b) => a + b, 0)).toBe(13);
    expect(reasons.DISABLED).toBe(6);

    const after = await renderMetrics(now);
    for (const reason of ["STATIC", "DEFAULT", "TARGETING_MATCH", "SPLIT", "DISABLED", "COST_LIMIT", "ERROR", "UNKNOWN"]) {
      const was = sample(before, "rampart_flag_evaluations_total", { project: slug, reason });
      const is = sample(after, "rampart_flag_evaluations_total", { project: slug, reason });
      expect(is! - was!, reason).toBe(reasons[reason] ?? 0);
    }
  });

  it("serves the scrape only for the configured Bearer token, as text Prometheus parses", async () => {
    const get = (authorization?: string) => metricsResponse(new Request("http://test/metrics", { headers: authorization ? { authorization } : {} }));
    const missing = await get();
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe("Bearer");
    expect((await get(`Bearer ${TOKEN}-wrong`)).status).toBe(401);

    const ok = await get(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const text = await ok.text();
    for (const name of ["rampart_ingest_events_total", "rampart_flag_evaluations_total", "rampart_harmful_rate", "rampart_responses", "rampart_queue_depth", "rampart_queue_oldest_age_seconds", "rampart_sla_breaches_total", "rampart_rollback_actions_total", "rampart_webhook_deliveries", "rampart_webhook_failures_total", "rampart_incidents_open"]) {
      expect(text, name).toContain(`# TYPE ${name} `);
      expect(text, name).toContain(`# HELP ${name} `);
    }

    const promtool = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    if (promtool.error) throw new Error(`promtool could not be run (${promtool.error.message}): install the Debian package "prometheus" (npm test does so)`);
    expect(`${promtool.stdout}${promtool.stderr}`).toBe("");
    expect(promtool.status).toBe(0);
  });
});
