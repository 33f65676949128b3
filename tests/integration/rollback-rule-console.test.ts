// The read behind the rollback rules console: each rule's latest evaluations,
// bounded per rule, scoped to the project, with the limit, outcome, flag and
// incident a person needs to read them.
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import type { AppError } from "@/lib/errors";
import { createFlag } from "@/lib/flags/create-flag";
import { listRollbackRules } from "@/lib/rollback/list-rollback-rules";
import { listRecentRuleEvaluations } from "@/lib/rollback/list-recent-rule-evaluations";
import { makeTenant, makeUser, memberActor } from "./fixtures";
import { loadUserActor } from "@/lib/auth/load-actor";

afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "OK";
  } catch (err) {
    return (err as AppError).code ?? String(err);
  }
};

/** A tenant whose release flag got the playbook's four rules. */
async function tenantWithRules(flagKey: string) {
  const { project } = await makeTenant();
  const [lead, viewer] = await Promise.all([memberActor(project.id, "LEAD"), memberActor(project.id, "VIEWER")]);
  const { flags } = await createFlag(lead, project.id, { key: flagKey, kind: "RELEASE", reason: "new feature" });
  const flagId = flags[0]!.flagId;
  const rules = await listRollbackRules(viewer, project.id);
  return { projectId: project.id, lead, viewer, flagId, rules };
}

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);

describe("listRecentRuleEvaluations", () => {
  it("returns each rule's latest evaluations, newest first and at most perRule, with limit, outcome, flag and incident", async () => {
    const t = await tenantWithRules("console-flag");
    const halve = t.rules.find((r) => r.action === "HALVE")!;
    const kill = t.rules.find((r) => r.action === "GLOBAL_KILL")!;
    const incident = await db().incident.create({
      data: {
        projectId: t.projectId,
        number: 7,
        title: "harm on console-flag",
        severity: "SEV2",
        source: "AUTOMATED",
        flagId: t.flagId,
      },
    });
    await db().ruleEvaluation.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        ruleId: halve.id,
        projectId: t.projectId,
        flagId: t.flagId,
        evaluatedAt: at(30 - i),
        value: 0.006 + i / 10_000,
        samples: 200 + i,
        fired: true,
        dryRun: true,
        actionTaken: "HALVE" as const,
        snapshot: {
          limit: 0.005,
          outcome: `Dry run: would have taken HALVE on console-flag (production) #${i}`,
          counts: { responses: 200 + i },
        },
      })),
    });
    await db().ruleEvaluation.createMany({
      data: [
        {
          ruleId: kill.id,
          projectId: t.projectId,
          flagId: t.flagId,
          evaluatedAt: at(2),
          value: 0.02,
          samples: 600,
          fired: true,
          actionTaken: "GLOBAL_KILL",
          incidentId: incident.id,
          snapshot: { limit: 0.01, outcome: "Kill switch on for production" },
        },
        {
          ruleId: kill.id,
          projectId: t.projectId,
          flagId: null,
          evaluatedAt: at(1),
          value: 0.03,
          samples: 700,
          fired: false,
          // An older snapshot without a limit: shown without one rather than as zero.
          snapshot: { outcome: 'Superseded by "other" (GLOBAL_KILL)' },
        },
      ],
    });

    const recent = await listRecentRuleEvaluations(t.viewer, t.projectId, { perRule: 20 });
    expect([...recent.keys()].sort()).toEqual([halve.id, kill.id].sort());

    const halved = recent.get(halve.id)!;
    expect(halved).toHaveLength(20);
    expect(halved.map((e) => e.evaluatedAt.getTime())).toEqual(
      [...halved.map((e) => e.evaluatedAt.getTime())].sort((a, b) => b - a),
    );
    expect(halved[0]).toMatchObject({
      ruleId: halve.id,
      flag: { key: "console-flag", environmentKey: "production" },
      samples: 229,
      fired: true,
      dryRun: true,
      actionTaken: "HALVE",
      limit: 0.005,
      outcome: "Dry run: would have taken HALVE on console-flag (production) #29",
      incident: null,
    });
    expect(halved[0]!.value).toBeCloseTo(0.0089);
    expect(halved[19]!.samples).toBe(210);

    const [superseded, killed] = recent.get(kill.id)!;
    expect(superseded).toMatchObject({
      fired: false,
      flag: null,
      flagId: null,
      limit: null,
      actionTaken: null,
      outcome: 'Superseded by "other" (GLOBAL_KILL)',
    });
    expect(killed).toMatchObject({
      fired: true,
      dryRun: false,
      actionTaken: "GLOBAL_KILL",
      limit: 0.01,
      incident: { id: incident.id, number: 7 },
    });

    expect((await listRecentRuleEvaluations(t.viewer, t.projectId, { perRule: 3 })).get(halve.id)).toHaveLength(3);
  });

  it("keeps to the project: another project's rules and evaluations never show, and outsiders get NOT_FOUND", async () => {
    const a = await tenantWithRules("mine");
    const b = await tenantWithRules("theirs");
    await db().ruleEvaluation.create({
      data: {
        ruleId: b.rules[0]!.id,
        projectId: b.projectId,
        flagId: b.flagId,
        value: 0.5,
        samples: 500,
        fired: true,
        snapshot: { limit: 0.005 },
      },
    });
    expect((await listRecentRuleEvaluations(a.lead, a.projectId)).size).toBe(0);
    expect((await listRecentRuleEvaluations(b.lead, b.projectId)).get(b.rules[0]!.id)).toHaveLength(1);
    expect(await codeOf(listRecentRuleEvaluations(a.lead, b.projectId))).toBe("NOT_FOUND");
    const stranger = (await loadUserActor(await makeUser("stranger")))!;
    expect(await codeOf(listRecentRuleEvaluations(stranger, a.projectId))).toBe("NOT_FOUND");
  });
});
