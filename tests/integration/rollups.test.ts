// Dashboard rollups equal a direct SQL computation over the same raw rows,
// through the real path: ingest API → outbox → worker processor (marks) →
// rollup pass; labels through the change-log scan.
import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, pgPool } from "@/lib/db";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { drainRollups, finishIngestBatches, HARM_SIGNALS_SQL, isHarmful, markAllDirty, markIngestDirty, SQL_MODEL_KEY, SQL_TEMPLATE_KEY } from "@/lib/metrics/rollup";
import { dimensionsOf, modelKey, templateKey } from "@/lib/metrics/dimensions";
import { addToHist, COST_MICROS_BOUNDS, emptyHist, LATENCY_MS_BOUNDS } from "@/lib/metrics/histogram";
import { processIngestAccepted } from "@/workers/processors/triage";
import { makeTenant, memberActor } from "./fixtures";
import { interaction, report, sendEvents, verdict } from "./ingest-helpers";

async function runWorkerOnOutbox(projectId: string) {
  const rows = await db().outboxEvent.findMany({ where: { queue: "ingest", processedAt: null, payload: { path: ["projectId"], equals: projectId } }, orderBy: { id: "asc" } });
  for (const row of rows) await processIngestAccepted({ id: `outbox-${row.id}`, data: row.payload } as unknown as Job);
}

// Yesterday morning (UTC), spread over ~3 hours: a past day, recent enough that its users are kept (USER_DAYS_KEPT).
const yesterday = new Date(Date.now() - 86_400_000);
const base = Date.UTC(yesterday.getUTCFullYear(), yesterday.getUTCMonth(), yesterday.getUTCDate(), 9, 0, 0);
const models = [
  { provider: "openai", id: "gpt-4.1-mini", version: "2025-04-14" },
  { provider: "openai", id: "gpt-4.1-mini", version: "2025-06-01" },
  { provider: "anthropic", id: "claude-x", version: null },
];
const regions = ["eu-west", "us-east", null];
const variants = [
  { value: true, variant: "on", version: 3 },
  { value: false, variant: "off", version: 3 },
];

type Direct = { dim: string; key: string; responses: number; harmful: number; flagged: number; reports: number; errors: number; latency: number; cost: number; falseRefusals: number };

describe("dashboard rollups", () => {
  let projectId = "";
  let reviewerId = "";

  beforeAll(async () => {
    const { project } = await makeTenant();
    projectId = project.id;
    const admin = await memberActor(projectId, "ADMIN");
    const reviewer = await memberActor(projectId, "REVIEWER");
    reviewerId = reviewer.userId;
    const { key } = await createApiKey(admin, projectId, { name: "k", scopes: ["events:write"] });

    const events: unknown[] = [];
    const ids: string[] = [];
    for (let n = 0; n < 240; n++) {
      const requestId = `req-${randomUUID()}`;
      ids.push(requestId);
      const model = models[n % 3]!;
      events.push(
        interaction({
          requestId,
          occurredAt: new Date(base + n * 47_000).toISOString(),
          model: model.version === null ? { provider: model.provider, id: model.id } : model,
          promptTemplate: n % 4 === 0 ? undefined : { id: "support-answer", version: String(1 + (n % 2)) },
          flags: { "assistant-v2": variants[n % 2]!, ...(n % 5 === 0 ? { "tone-experiment": { value: "warm", variant: "warm", version: 1 } } : {}) },
          cohort: { platform: n % 2 ? "web" : "ios", ...(regions[n % 3] ? { region: regions[n % 3] } : {}), deviceClass: "desktop" },
          userId: `user-${n % 37}`,
          latencyMs: 50 + ((n * 137) % 4000),
          cost: ((n % 9) + 1) / 1000,
          ...(n % 23 === 0 ? { error: { type: "timeout" } } : {}),
        }),
      );
      if (n % 7 === 0) events.push(verdict(requestId, { decision: n % 14 === 0 ? "block" : "flag", occurredAt: new Date(base + n * 47_000).toISOString() }));
      if (n % 11 === 0) events.push(verdict(requestId, { decision: "pass", scores: { S1: 0.01 } }));
      if (n % 13 === 0) events.push(report(requestId));
      if (n % 3 === 0) {
        events.push({
          type: "outcome",
          eventId: `o-${randomUUID()}`,
          occurredAt: new Date(base + n * 47_000 + 5_000).toISOString(),
          name: n % 2 ? "task_completed" : "handle_time_s",
          value: n % 2 ? (n % 4 === 1 ? 1 : 0) : 30 + (n % 17),
          flags: { "assistant-v2": variants[Math.floor(n / 6) % 2]! },
          requestId,
          userId: `user-${n % 37}`,
        });
      }
    }
    // Verdicts that arrive before their interaction must still count with it.
    const late = events.splice(0, 30);
    const early = late.filter((e) => (e as { type: string }).type !== "interaction");
    const res1 = await sendEvents(key, { events: [...early, ...events] });
    expect(res1.status).toBe(200);
    const res2 = await sendEvents(key, { events: late.filter((e) => (e as { type: string }).type === "interaction") });
    expect(res2.status).toBe(200);
    expect(res1.json.rejected + res2.json.rejected).toBe(0);
    await runWorkerOnOutbox(projectId);

    // Reviews: flagged items confirmed or judged benign / a false refusal; reported (unflagged) items confirmed harmful.
    const items = await db().triageItem.findMany({ where: { projectId }, orderBy: { requestId: "asc" } });
    const flaggedItems = items.filter((i) => i.source === "CLASSIFIER");
    const reportedItems = items.filter((i) => i.source === "REPORT");
    expect(flaggedItems.length).toBeGreaterThanOrEqual(8);
    expect(reportedItems.length).toBeGreaterThanOrEqual(8);
    const plan: [typeof items, ("HARMFUL" | "BENIGN" | "FALSE_REFUSAL" | "INCORRECT")[]][] = [
      [flaggedItems, ["HARMFUL", "BENIGN", "FALSE_REFUSAL", "HARMFUL", "BENIGN", "HARMFUL", "HARMFUL", "BENIGN"]],
      [reportedItems, ["HARMFUL", "HARMFUL", "HARMFUL", "INCORRECT", "BENIGN", "HARMFUL", "BENIGN", "HARMFUL"]],
    ];
    for (const [list, verdicts] of plan) {
      for (const [i, v] of verdicts.entries()) {
        await db().label.create({ data: { projectId, triageItemId: list[i]!.id, reviewerId, verdict: v, hazardCategories: [] } });
      }
    }
    await drainRollups();
  }, 120_000);

  afterAll(async () => undefined);

  async function direct(dimSql: string, lateral = ""): Promise<Direct[]> {
    const { rows } = await pgPool().query<Direct>(
      `WITH x AS (
         SELECT i.*, EXISTS (SELECT 1 FROM "Verdict" v WHERE v."projectId" = i."projectId" AND v."requestId" = i."requestId" AND v.decision IN ('FLAG','BLOCK')) AS flagged,
                (SELECT l.verdict::text FROM "TriageItem" t JOIN "Label" l ON l."triageItemId" = t.id
                  WHERE t."projectId" = i."projectId" AND t."requestId" = i."requestId" AND l.kind <> 'SECOND'
                  ORDER BY l.kind = 'ADJUDICATION' DESC, l."createdAt" DESC, l.id DESC LIMIT 1) AS label,
                (SELECT count(*) FROM "UserReport" u WHERE u."projectId" = i."projectId" AND u."requestId" = i."requestId") AS reports
           FROM "Interaction" i WHERE i."projectId" = $1
       )
       SELECT ${dimSql} AS key, count(*)::int AS responses,
              count(*) FILTER (WHERE CASE WHEN label IS NOT NULL THEN label = 'HARMFUL' ELSE flagged END)::int AS harmful,
              count(*) FILTER (WHERE flagged)::int AS flagged, sum(reports)::int AS reports,
              count(*) FILTER (WHERE "errorType" IS NOT NULL)::int AS errors,
              sum("latencyMs")::float AS latency, sum("costMicros")::float AS cost,
              count(*) FILTER (WHERE label = 'FALSE_REFUSAL')::int AS "falseRefusals"
         FROM x ${lateral} GROUP BY 1 ORDER BY 1`,
      [projectId],
    );
    return rows;
  }

  async function rolled(grain: "m" | "h", dim: string): Promise<Omit<Direct, "dim">[]> {
    const { rows } = await pgPool().query<Omit<Direct, "dim">>(
      `SELECT key, sum(responses)::int AS responses, sum(harmful)::int AS harmful, sum(flagged)::int AS flagged, sum(reports)::int AS reports,
              sum(errors)::int AS errors, sum("latencySumMs")::float AS latency, sum("costSumMicros")::float AS cost, sum("falseRefusals")::int AS "falseRefusals"
         FROM "MetricRollup" WHERE "projectId" = $1 AND grain = $2 AND dim = $3 GROUP BY key ORDER BY key`,
      [projectId, grain, dim],
    );
    return rows;
  }

  it("equals the direct computation, overall and per dimension, at both grains", async () => {
    const cases: [string, string, string?][] = [
      ["all", "''"],
      ["model", `"modelProvider" || '/' || "modelId" || COALESCE('@' || "modelVersion", '')`],
      ["template", `COALESCE("promptTemplateId" || COALESCE('@' || "promptTemplateVersion", ''), '(none)')`],
      ["region", `COALESCE(region, '(unknown)')`],
      ["platform", `COALESCE(platform, '(unknown)')`],
      ["flag", `f.key || '=' || (f.value->>'variant')`, `CROSS JOIN LATERAL jsonb_each(x."flagState") f`],
    ];
    for (const [dim, sql, lateral] of cases) {
      const want = await direct(sql, lateral);
      expect(want.length, dim).toBeGreaterThan(0);
      for (const grain of ["m", "h"] as const) expect(await rolled(grain, dim), `${dim}/${grain}`).toEqual(want);
    }
    const all = (await direct("''"))[0]!;
    // The fixture really exercises every counter.
    expect(all.responses).toBe(240);
    expect(all.harmful).toBeGreaterThan(0);
    // 4 flagged responses judged not harmful, 5 unflagged ones confirmed harmful.
    expect(all.harmful).toBe(all.flagged - 4 + 5);
    expect(all.reports).toBeGreaterThan(0);
    expect(all.errors).toBeGreaterThan(0);
    expect(all.falseRefusals).toBeGreaterThan(0);
  });

  it("sums business outcomes per metric, flag and variant", async () => {
    const want = await pgPool().query(
      `SELECT e.name, f.key AS "flagKey", f.value->>'variant' AS variant, count(*)::int AS n, sum(e.value)::float AS sum, sum(e.value * e.value)::float AS "sumSq"
         FROM "BusinessEvent" e CROSS JOIN LATERAL jsonb_each(e."flagState") f WHERE e."projectId" = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [projectId],
    );
    expect(want.rows.length).toBe(4);
    for (const grain of ["m", "h"]) {
      const got = await pgPool().query(
        `SELECT name, "flagKey", variant, sum(n)::int AS n, sum(sum)::float AS sum, sum("sumSq")::float AS "sumSq"
           FROM "BusinessRollup" WHERE "projectId" = $1 AND grain = $2 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        [projectId, grain],
      );
      expect(got.rows).toEqual(want.rows);
    }
  });

  it("keeps the SQL and TypeScript dimension keys in step", async () => {
    const samples = [
      { modelProvider: "openai", modelId: "m", modelVersion: "1", promptTemplateId: "t", promptTemplateVersion: "2" },
      { modelProvider: "x", modelId: "y", modelVersion: null, promptTemplateId: null, promptTemplateVersion: null },
      { modelProvider: "x", modelId: "y", modelVersion: null, promptTemplateId: "t", promptTemplateVersion: null },
    ];
    for (const s of samples) {
      const { rows } = await pgPool().query<{ model: string; template: string }>(
        `SELECT ${SQL_MODEL_KEY} AS model, ${SQL_TEMPLATE_KEY} AS template FROM (SELECT $1::text AS "modelProvider", $2::text AS "modelId", $3::text AS "modelVersion", $4::text AS "promptTemplateId", $5::text AS "promptTemplateVersion") s`,
        [s.modelProvider, s.modelId, s.modelVersion, s.promptTemplateId, s.promptTemplateVersion],
      );
      expect(rows[0]).toEqual({ model: modelKey(s), template: templateKey(s) });
    }
  });

  it("counts distinct users per day and reviewer labels, and a new label moves the harmful count", async () => {
    const users = await pgPool().query<{ users: number }>(`SELECT users FROM "MetricDailyUsers" WHERE "projectId" = $1 AND dim = 'all'`, [projectId]);
    expect(users.rows).toEqual([{ users: 37 }]);
    const labels = await pgPool().query<{ labels: string }>(`SELECT sum(labels)::text AS labels FROM "ReviewerRollup" WHERE "projectId" = $1 AND grain = 'h' AND "reviewerId" = $2`, [projectId, reviewerId]);
    expect(labels.rows[0]!.labels).toBe("16");
    const review = await pgPool().query<{ created: string }>(`SELECT sum(created)::text AS created FROM "ReviewRollup" WHERE "projectId" = $1 AND grain = 'h'`, [projectId]);
    expect(Number(review.rows[0]!.created)).toBe(await db().triageItem.count({ where: { projectId } }));

    // A later label on an unreviewed, unflagged item (a report) turns it harmful.
    const before = (await rolled("h", "all"))[0]!.harmful;
    const item = await db().triageItem.findFirstOrThrow({ where: { projectId, labels: { none: {} }, source: "REPORT" } });
    await db().label.create({ data: { projectId, triageItemId: item.id, reviewerId, verdict: "HARMFUL", hazardCategories: [] } });
    await drainRollups();
    expect((await rolled("h", "all"))[0]!.harmful).toBe(before + 1);
    expect(await rolled("h", "all")).toEqual(await direct("''"));
  });

  it("counts a day once, then grows it minute by minute, never twice for a recomputed minute, and agrees with a full recount", async () => {
    const daily = async () =>
      (await pgPool().query<{ day: Date; dim: string; key: string; users: number }>(`SELECT day, dim, key, users FROM "MetricDailyUsers" WHERE "projectId" = $1 ORDER BY day, dim, key`, [projectId])).rows;
    const all = async () => (await daily()).find((r) => r.dim === "all")?.users;
    // The day's first minutes had it counted in full; it is now counted.
    const counted = await pgPool().query(`SELECT day FROM "UserDayCounted" WHERE "projectId" = $1`, [projectId]);
    expect(counted.rowCount).toBe(1);
    expect(await all()).toBe(37);

    // Two new users and one already seen, in a minute of the same day: the minute adds two.
    const { key } = await createApiKey(await memberActor(projectId, "ADMIN"), projectId, { name: "more users", scopes: ["events:write"] });
    const at = new Date(base + 60_000).toISOString();
    const more = [interaction({ occurredAt: at, userId: "user-new-1" }), interaction({ occurredAt: at, userId: "user-new-2" }), interaction({ occurredAt: at, userId: "user-3" })];
    expect((await sendEvents(key, { events: more })).json.accepted).toBe(3);
    await runWorkerOnOutbox(projectId);
    await drainRollups();
    expect(await all()).toBe(39);
    const incremental = await daily();

    // The same minutes recomputed again add nobody.
    const { rows } = await pgPool().query<{ id: string }>(`SELECT id::text FROM "Interaction" WHERE "projectId" = $1`, [projectId]);
    await markIngestDirty({ projectId, interactions: rows.map((r) => r.id), verdicts: [], reports: [] });
    await drainRollups();
    expect(await daily()).toEqual(incremental);

    // A day counted before UserDaySeen existed (its tuples unknown): a minute of it has the day
    // recounted instead of adding the minute's users on top of the old count.
    await pgPool().query(`DELETE FROM "UserDaySeen" WHERE "projectId" = $1`, [projectId]);
    await pgPool().query(`DELETE FROM "UserDayCounted" WHERE "projectId" = $1`, [projectId]);
    await markIngestDirty({ projectId, interactions: rows.map((r) => r.id), verdicts: [], reports: [] });
    await drainRollups();
    expect(await daily()).toEqual(incremental);
    expect((await pgPool().query(`SELECT 1 FROM "UserDayCounted" WHERE "projectId" = $1`, [projectId])).rowCount).toBe(1);

    // A rebuild recounts each day from its interactions, and gets the same.
    await markAllDirty(projectId);
    await drainRollups();
    expect(await daily()).toEqual(incremental);

    // A day older than the kept ones is counted from its interactions, and its tuples are not kept.
    const old = Date.UTC(2026, 0, 15, 12, 0, 0);
    const late = [interaction({ occurredAt: new Date(old).toISOString(), userId: "user-1" }), interaction({ occurredAt: new Date(old + 60_000).toISOString(), userId: "user-2" })];
    expect((await sendEvents(key, { events: late })).json.accepted).toBe(2);
    await runWorkerOnOutbox(projectId);
    await drainRollups();
    const oldDay = (await daily()).filter((r) => r.day.getTime() === Date.UTC(2026, 0, 15));
    expect(oldDay.find((r) => r.dim === "all")?.users).toBe(2);
    const kept = await pgPool().query(`SELECT 1 FROM "UserDaySeen" WHERE "projectId" = $1 AND day = '2026-01-15'`, [projectId]);
    expect(kept.rowCount).toBe(0);
    // Another late event for that day: recounted again, not added to.
    expect((await sendEvents(key, { events: [interaction({ occurredAt: new Date(old + 120_000).toISOString(), userId: "user-1" })] })).json.accepted).toBe(1);
    await runWorkerOnOutbox(projectId);
    await drainRollups();
    expect((await daily()).find((r) => r.day.getTime() === Date.UTC(2026, 0, 15) && r.dim === "all")?.users).toBe(2);
  });

  it("leaves a mark made less than a second ago as it is (no row rewritten per batch), and moves an older one forward", async () => {
    const { rows } = await pgPool().query<{ id: string }>(`SELECT id::text FROM "Interaction" WHERE "projectId" = $1 ORDER BY "occurredAt" LIMIT 1`, [projectId]);
    const batch = { projectId, interactions: [rows[0]!.id], verdicts: [], reports: [] };
    const marks = async () =>
      (await pgPool().query<{ kind: string; markedAt: Date; xmin: string }>(`SELECT kind, "markedAt", xmin::text FROM "RollupDirty" WHERE "projectId" = $1 ORDER BY kind`, [projectId])).rows;
    await pgPool().query(`DELETE FROM "RollupDirty" WHERE "projectId" = $1`, [projectId]);

    await markIngestDirty(batch);
    const first = await marks();
    expect(first.map((m) => m.kind)).toEqual(["interactions"]);
    await markIngestDirty(batch);
    expect(await marks()).toEqual(first); // same rows, same versions

    // A second later (aged by hand here), the same touch moves both marks forward.
    await pgPool().query(`UPDATE "RollupDirty" SET "markedAt" = "markedAt" - interval '2 seconds' WHERE "projectId" = $1`, [projectId]);
    const aged = await marks();
    await markIngestDirty(batch);
    const moved = await marks();
    moved.forEach((m, i) => expect(m.markedAt.getTime()).toBeGreaterThan(aged[i]!.markedAt.getTime()));

    await drainRollups();
    expect(await marks()).toEqual([]);
    expect(await rolled("h", "all")).toEqual(await direct("''"));
  });

  it("marks the minutes a batch names without reading its interactions back (older batches have them read)", async () => {
    await pgPool().query(`DELETE FROM "RollupDirty" WHERE "projectId" = $1`, [projectId]);
    const marked = async () =>
      (await pgPool().query<{ bucket: Date }>(`SELECT bucket FROM "RollupDirty" WHERE "projectId" = $1 AND kind = 'interactions' ORDER BY bucket`, [projectId])).rows.map((r) =>
        r.bucket.toISOString(),
      );
    // An id that names no row: only the batch's minutes can be what gets marked.
    const nowhere = "00000000-0000-7000-8000-000000000000";
    await markIngestDirty({ projectId, interactions: [nowhere], verdicts: [], reports: [], minutes: ["2026-01-02T03:04:00", "2026-01-02T03:05:00"] });
    expect(await marked()).toEqual(["2026-01-02T03:04:00.000Z", "2026-01-02T03:05:00.000Z"]);
    await pgPool().query(`DELETE FROM "RollupDirty" WHERE "projectId" = $1`, [projectId]);
    await markIngestDirty({ projectId, interactions: [nowhere], verdicts: [], reports: [] });
    expect(await marked()).toEqual([]);
  });
  it("finishes many jobs' batches, of several projects, in one statement: their minutes marked, their outbox rows processed", async () => {
    const other = (await makeTenant()).project.id;
    await pgPool().query(`DELETE FROM "RollupDirty" WHERE "projectId" = ANY($1::uuid[])`, [[projectId, other]]);
    const { rows: outbox } = await pgPool().query<{ id: string }>(
      `INSERT INTO "OutboxEvent" (queue, payload) SELECT 'ingest', '{}'::jsonb FROM generate_series(1, 3) RETURNING id::text`,
    );
    const nowhere = "00000000-0000-7000-8000-000000000000";
    await finishIngestBatches([
      { batch: { projectId, interactions: [nowhere], verdicts: [], reports: [], minutes: ["2026-02-02T03:04:00"] }, outboxRow: BigInt(outbox[0]!.id) },
      { batch: { projectId: other, interactions: [nowhere], verdicts: [], reports: [], minutes: ["2026-02-02T03:04:00", "2026-02-02T03:09:00"] }, outboxRow: BigInt(outbox[1]!.id) },
      // The same minute again, from another job of the first project: one mark.
      { batch: { projectId, interactions: [nowhere], verdicts: [], reports: [], minutes: ["2026-02-02T03:04:00"] }, outboxRow: null },
    ]);
    const { rows: marks } = await pgPool().query<{ projectId: string; bucket: Date }>(
      `SELECT "projectId"::text AS "projectId", bucket FROM "RollupDirty" WHERE kind = 'interactions' AND "projectId" = ANY($1::uuid[]) ORDER BY bucket, "projectId"`,
      [[projectId, other]],
    );
    expect(marks.map((m) => [m.projectId === projectId ? "first" : "other", m.bucket.toISOString()]).sort()).toEqual(
      [["first", "2026-02-02T03:04:00.000Z"], ["other", "2026-02-02T03:04:00.000Z"], ["other", "2026-02-02T03:09:00.000Z"]].sort(),
    );
    const { rows: processed } = await pgPool().query<{ id: string; done: boolean }>(
      `SELECT id::text, "processedAt" IS NOT NULL AS done FROM "OutboxEvent" WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [outbox.map((o) => o.id)],
    );
    expect(processed.map((r) => r.done)).toEqual([true, true, false]);
    // Left for no relay to pick up.
    await pgPool().query(`UPDATE "OutboxEvent" SET "processedAt" = now() WHERE id = $1`, [outbox[2]!.id]);
    await pgPool().query(`DELETE FROM "RollupDirty" WHERE "projectId" = ANY($1::uuid[])`, [[projectId, other]]);
  });

  it("holds in each minute row what adding its interactions one by one gives: every field, histogram edges included", async () => {
    // A later hour of the same day: latencies and costs on, just above and just below bucket bounds, and none at all.
    const { key } = await createApiKey(await memberActor(projectId, "ADMIN"), projectId, { name: "edges", scopes: ["events:write"] });
    const latencies = [0, 1, 10, 11, 25, 26, 999, 1000, 1001, 60_000, 60_001, 3_600_000, undefined];
    const costs = [0, 0.00001, 0.000011, 0.000009, 0.01, 0.010001, 10, 10.000001, 123.456789, undefined];
    const events: unknown[] = [];
    for (let n = 0; n < 60; n++) {
      const requestId = `edge-${randomUUID()}`;
      events.push(
        interaction({
          requestId,
          occurredAt: new Date(base + 5 * 3_600_000 + n * 5_000).toISOString(),
          latencyMs: latencies[n % latencies.length],
          cost: costs[n % costs.length],
          tokens: n % 4 === 0 ? undefined : { input: n, output: 2 * n },
          flags: n % 6 === 0 ? {} : { "assistant-v2": variants[n % 2]! },
          cohort: { platform: n % 2 ? "web" : "ios", ...(n % 3 ? { region: "eu-west" } : {}) },
          ...(n % 5 === 0 ? { userId: `edge-user-${n % 4}` } : {}),
          ...(n % 7 === 0 ? { error: { type: "timeout" } } : {}),
        }),
      );
      if (n % 4 === 1) events.push(verdict(requestId, { decision: n % 8 === 1 ? "block" : "flag" }));
      if (n % 9 === 2) events.push(report(requestId));
    }
    const res = await sendEvents(key, { events });
    expect(res.json.rejected).toBe(0);
    await runWorkerOnOutbox(projectId);
    await drainRollups();

    type Row = { occurredAt: Date; flagState: unknown; labelVerdict: string | null; flagged: boolean; blocked: boolean; reports: number; error: boolean;
      latencyMs: number | null; costMicros: string | null; tokensIn: number | null; tokensOut: number | null } & Parameters<typeof dimensionsOf>[0];
    const { rows } = await pgPool().query<Row>(
      `SELECT i.*, i."environmentId"::text AS "environmentId", i."costMicros"::text AS "costMicros", i."errorType" IS NOT NULL AS error,
              COALESCE(v.flagged, false) AS flagged, COALESCE(v.blocked, false) AS blocked, lb.verdict::text AS "labelVerdict",
              (SELECT count(*)::int FROM "UserReport" u WHERE u."projectId" = i."projectId" AND u."requestId" = i."requestId") AS reports
         FROM "Interaction" i ${HARM_SIGNALS_SQL} WHERE i."projectId" = $1`,
      [projectId],
    );
    type Sums = { [k in "responses" | "errors" | "flagged" | "blocked" | "harmful" | "falseRefusals" | "reviewed" | "reports" | "reportedResponses"
      | "latencyCount" | "latencySumMs" | "costCount" | "costSumMicros" | "tokensIn" | "tokensOut"]: number } & { latencyHist: number[]; costHist: number[] };
    const want = new Map<string, Sums>();
    for (const r of rows) {
      const minute = new Date(Math.floor(r.occurredAt.getTime() / 60_000) * 60_000).toISOString();
      for (const [dim, k] of dimensionsOf(r)) {
        const id = `${minute} ${dim} ${k}`;
        let a = want.get(id);
        if (!a) {
          a = { responses: 0, errors: 0, flagged: 0, blocked: 0, harmful: 0, falseRefusals: 0, reviewed: 0, reports: 0, reportedResponses: 0, latencyCount: 0,
            latencySumMs: 0, latencyHist: emptyHist(LATENCY_MS_BOUNDS), costCount: 0, costSumMicros: 0, costHist: emptyHist(COST_MICROS_BOUNDS), tokensIn: 0, tokensOut: 0 };
          want.set(id, a);
        }
        a.responses += 1;
        a.errors += r.error ? 1 : 0;
        a.flagged += r.flagged ? 1 : 0;
        a.blocked += r.blocked ? 1 : 0;
        a.harmful += isHarmful(r) ? 1 : 0;
        a.falseRefusals += r.labelVerdict === "FALSE_REFUSAL" ? 1 : 0;
        a.reviewed += r.labelVerdict !== null ? 1 : 0;
        a.reports += r.reports;
        a.reportedResponses += r.reports > 0 ? 1 : 0;
        if (r.latencyMs !== null) {
          a.latencyCount += 1;
          a.latencySumMs += r.latencyMs;
          addToHist(a.latencyHist, LATENCY_MS_BOUNDS, r.latencyMs);
        }
        if (r.costMicros !== null) {
          a.costCount += 1;
          a.costSumMicros += Number(r.costMicros);
          addToHist(a.costHist, COST_MICROS_BOUNDS, Number(r.costMicros));
        }
        a.tokensIn += r.tokensIn ?? 0;
        a.tokensOut += r.tokensOut ?? 0;
      }
    }
    const { rows: stored } = await pgPool().query<Record<string, unknown> & { bucket: Date; dim: string; key: string }>(
      `SELECT bucket, dim, key, responses, errors, flagged, blocked, harmful, "falseRefusals", reviewed, reports, "reportedResponses",
              "latencyCount", "latencySumMs"::float AS "latencySumMs", "latencyHist", "costCount", "costSumMicros"::float AS "costSumMicros", "costHist",
              "tokensIn"::float AS "tokensIn", "tokensOut"::float AS "tokensOut"
         FROM "MetricRollup" WHERE "projectId" = $1 AND grain = 'm'`,
      [projectId],
    );
    const got = new Map(stored.map(({ bucket, dim, key, ...acc }) => [`${bucket.toISOString()} ${dim} ${key}`, acc]));
    expect(got.size).toBe(want.size);
    for (const [id, acc] of want) expect(got.get(id), id).toEqual(acc);
    // The edges did land in different buckets (the comparison above is not between empty histograms).
    const all = [...want].filter(([id]) => id.includes(" all ")).map(([, a]) => a);
    expect(new Set(all.flatMap((a) => a.latencyHist.flatMap((n, i) => (n > 0 ? [i] : [])))).size).toBeGreaterThan(8);
    expect(new Set(all.flatMap((a) => a.costHist.flatMap((n, i) => (n > 0 ? [i] : [])))).size).toBeGreaterThan(5);
  });
});
