// A week of background traffic for the demo's dashboards: interactions over
// two model versions and two prompt-template versions, classifier verdicts,
// user reports, and business outcomes for the release flag's cohorts. Written
// straight to the tables (no triage items: the queue stays the hand-made demo
// queue); the rollups are rebuilt from it by marking every bucket dirty.
import type { Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client.ts";

const DAY = 86_400_000;

/** Small deterministic PRNG (mulberry32), so every seed run draws the same week. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const models = [
  { modelProvider: "openai", modelId: "gpt-4.1-mini", modelVersion: "2025-04-14" },
  { modelProvider: "openai", modelId: "gpt-4.1-mini", modelVersion: "2025-06-01" },
  { modelProvider: "anthropic", modelId: "claude-sonnet", modelVersion: "4.5" },
];
const regions = ["eu-west", "us-east", "ap-south"];
const platforms = ["web", "ios", "android"];

export async function seedHistory(tx: Tx, project: { id: string; slug: string }, environmentId: string, now: number, perDay = 600): Promise<number> {
  const random = rng(project.slug.length * 7919 + 17);
  const interactions: Prisma.InteractionCreateManyInput[] = [];
  const verdicts: Prisma.VerdictCreateManyInput[] = [];
  const reports: Prisma.UserReportCreateManyInput[] = [];
  const outcomes: Prisma.BusinessEventCreateManyInput[] = [];
  const total = perDay * 7;
  for (let i = 0; i < total; i++) {
    // Older than the hand-made demo traffic (the last ~5 hours), spread over the week before it.
    const occurredAt = new Date(now - 6 * 3_600_000 - random() * 7 * DAY);
    const requestId = `hist-${project.slug}-${i}`;
    const v2 = random() < 0.25;
    const model = models[Math.floor(random() * models.length)]!;
    const region = regions[Math.floor(random() * regions.length)]!;
    // The v2 template is a little more harmful in ap-south: the skew the dashboards are for.
    const harmP = 0.012 + (v2 ? 0.01 : 0) + (v2 && region === "ap-south" ? 0.03 : 0) + (model.modelVersion === "2025-06-01" ? -0.005 : 0);
    const userRef = `hist-user-${Math.floor(random() * 400)}`;
    const flagState = { "assistant-enabled": { value: true, version: 1 }, "assistant-v2-rollout": { value: v2, version: 1 } };
    interactions.push({
      projectId: project.id,
      environmentId,
      requestId,
      occurredAt,
      ...model,
      promptTemplateId: "support-answer",
      promptTemplateVersion: v2 ? "2" : "1",
      promptRedacted: [{ role: "user", content: "How do I change my plan?" }],
      responseRedacted: "Go to Billing → Plan and pick the one you want.",
      piiKinds: [],
      flagState,
      platform: platforms[Math.floor(random() * platforms.length)],
      region,
      deviceClass: random() < 0.5 ? "mobile" : "desktop",
      segment: random() < 0.2 ? "enterprise" : "self-serve",
      locale: "en-GB",
      userRef,
      latencyMs: Math.round(300 + random() * 900 + (model.modelProvider === "anthropic" ? 400 : 0) + (random() < 0.05 ? 3000 : 0)),
      tokensIn: 100 + Math.floor(random() * 200),
      tokensOut: 40 + Math.floor(random() * 200),
      costMicros: BigInt(Math.round((model.modelProvider === "anthropic" ? 2400 : 900) * (0.6 + random()))),
      errorType: random() < 0.004 ? "timeout" : null,
    });
    if (random() < harmP) {
      verdicts.push({ projectId: project.id, requestId, eventId: `${requestId}-v`, classifier: "llama-guard", classifierVersion: "3-8b", scores: { S10: 0.7 + random() * 0.3 }, categories: ["S10"], decision: "FLAG", occurredAt });
    }
    if (random() < 0.006 + harmP / 3) {
      reports.push({ projectId: project.id, requestId, eventId: `${requestId}-r`, category: "HARMFUL", reporterRef: userRef, occurredAt: new Date(occurredAt.getTime() + 60_000) });
    }
    if (random() < 0.3) {
      // Business outcomes: v2 resolves tasks a little more often and faster.
      const done = random() < (v2 ? 0.74 : 0.68) ? 1 : 0;
      outcomes.push({ projectId: project.id, eventId: `${requestId}-done`, name: "task_completed", value: done, userRef, flagState, requestId, occurredAt: new Date(occurredAt.getTime() + 30_000) });
      outcomes.push({ projectId: project.id, eventId: `${requestId}-time`, name: "handle_time_s", value: Math.round((v2 ? 95 : 110) + random() * 60), userRef, flagState, requestId, occurredAt: new Date(occurredAt.getTime() + 30_000) });
    }
  }
  await tx.interaction.createMany({ data: interactions });
  await tx.verdict.createMany({ data: verdicts });
  await tx.userReport.createMany({ data: reports });
  await tx.businessEvent.createMany({ data: outcomes });

  // Two past incidents, already resolved, for the incidents dashboard's trends and timeline.
  const past = [
    { daysAgo: 5, title: "Harmful answers spike on v2 template (ap-south)", severity: "SEV2" as const, source: "AUTOMATED" as const, ack: 4, mitigate: 9, resolve: 180, by: "rule “harmful-output rate”" },
    { daysAgo: 2, title: "Users report leaked order numbers", severity: "SEV1" as const, source: "MANUAL" as const, ack: 12, mitigate: 35, resolve: 420, by: "lead@rampart.local" },
  ];
  for (const [n, p] of past.entries()) {
    const detectedAt = new Date(now - p.daysAgo * DAY);
    const at = (minutes: number) => new Date(detectedAt.getTime() + minutes * 60_000);
    const actor = p.source === "AUTOMATED" ? { actorType: "RULE" as const, actorLabel: p.by } : { actorType: "USER" as const, actorLabel: p.by };
    await tx.incident.create({
      data: {
        projectId: project.id,
        number: n + 1,
        title: p.title,
        status: "RESOLVED",
        severity: p.severity,
        source: p.source,
        impactStartedAt: at(-6),
        detectedAt,
        acknowledgedAt: at(p.ack),
        mitigatedAt: at(p.mitigate),
        resolvedAt: at(p.resolve),
        createdAt: detectedAt,
        events: {
          create: [
            { kind: "detected", message: "Detected", actorType: actor.actorType, actorLabel: actor.actorLabel, createdAt: detectedAt },
            { kind: "acknowledged", message: "Acknowledged", actorType: "USER", actorLabel: "lead@rampart.local", createdAt: at(p.ack) },
            { kind: "mitigated", message: p.source === "AUTOMATED" ? "Rollout halved by the rule" : "Kill switch on", ...actor, createdAt: at(p.mitigate) },
            { kind: "resolved", message: "Resolved", actorType: "USER", actorLabel: "lead@rampart.local", createdAt: at(p.resolve) },
          ],
        },
      },
    });
  }
  return total;
}
