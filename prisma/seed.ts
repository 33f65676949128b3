// First-run setup: an organization, two demo projects, one account per role
// and a little sample traffic, so a newcomer sees a populated console. Runs
// only against an empty database; prints the sign-in details once.
import { seedHistory } from "./seed-history";
import { markAllDirty } from "@/lib/metrics/rollup";
import "@/workers/load-env";
import { randomBytes } from "node:crypto";
import { db, disconnectDb, type Tx } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { newSealedKey, seal } from "@/lib/crypto/secretbox";
import { defaultEnvironments, defaultSlaPolicies } from "@/lib/projects/defaults";
import { redactText, redactValue } from "@/lib/pii/detect";
import { encryptOriginal, periodOf } from "@/lib/privacy/subject-keys";
import { priorityFor, severityFor, type Signals } from "@/lib/triage/severity";
import { slaDeadlines } from "@/lib/triage/sla";
import { flagConfigSchemaFor, initialConfig } from "@/lib/flags/schemas";
import { exposureBpsOf } from "@/lib/flags/classify-change";
import { createDefaultRollbackRules } from "@/lib/rollback/default-rules";
import { BREACH_PRIORITY_BOOST } from "@/lib/triage/fire-sla-deadline";
import type { ProjectRole, ReportCategory, VerdictDecision } from "@/lib/generated/prisma/client.ts";

export const demoAccounts: { email: string; name: string; role: ProjectRole; orgAdmin?: boolean }[] = [
  { email: "admin@rampart.local", name: "Ada Admin", role: "ADMIN", orgAdmin: true },
  { email: "lead@rampart.local", name: "Lee Lead", role: "LEAD" },
  { email: "reviewer@rampart.local", name: "Rae Reviewer", role: "REVIEWER" },
  { email: "viewer@rampart.local", name: "Vic Viewer", role: "VIEWER" },
];

const models = [
  { modelProvider: "openai", modelId: "gpt-4.1-mini", modelVersion: "2025-04-14" },
  { modelProvider: "anthropic", modelId: "claude-sonnet", modelVersion: "4.5" },
];
const regions = ["eu-west", "us-east", "ap-south"];
const platforms = ["web", "ios", "android"];
const prompts: [string, string][] = [
  ["How do I reset my password?", "Open Settings → Security and choose “Reset password”. You will get an email with a link."],
  ["Can you cancel my subscription?", "I can't cancel it for you, but you can do it under Billing → Plan → Cancel."],
  ["My email is [EMAIL] — why was I charged twice?", "I'm sorry about that. Duplicate charges are usually a pending authorisation that drops off within 3 days."],
  ["Write me a poem about our product", "Quiet servers hum at night, / tickets closing, answers bright…"],
  ["What's your refund policy?", "Refunds are available within 30 days of purchase for annual plans."],
];

// Which sentences of each canned response come from the app's own data, are
// inferred, or are a guess (provenance markers, drawn as a traffic light).
const provenancePatterns: ("own_data" | "inferred" | "guess")[][] = [["own_data", "inferred"], ["own_data"], ["inferred", "guess"], [], ["guess"]];

function sentenceSpans(text: string, sources: ("own_data" | "inferred" | "guess")[]) {
  const spans: { start: number; end: number; source: "own_data" | "inferred" | "guess" }[] = [];
  for (const m of text.matchAll(/[^.!?…]+[.!?…]*/g)) {
    const source = sources[spans.length];
    if (!source) break;
    const lead = m[0].length - m[0].trimStart().length;
    spans.push({ start: m.index + lead, end: m.index + m[0].trimEnd().length, source });
  }
  return spans;
}

type DemoSignals = {
  verdicts: { decision: VerdictDecision; scores: Record<string, number>; categories: string[] }[];
  reports: ReportCategory[];
  lastAt: Date;
};

function addSignal(signals: Map<string, DemoSignals>, requestId: string, at: Date, signal: Partial<Omit<DemoSignals, "lastAt">>) {
  const s = signals.get(requestId) ?? { verdicts: [], reports: [], lastAt: at };
  s.verdicts.push(...(signal.verdicts ?? []));
  s.reports.push(...(signal.reports ?? []));
  if (at > s.lastAt) s.lastAt = at;
  signals.set(requestId, s);
}

type SpecialInteraction = {
  key: string;
  minutesAgo: number;
  userRef: string;
  prompt: { role: "system" | "user"; content: string }[];
  response: string;
  verdict?: { decision: VerdictDecision; scores: Record<string, number>; categories: string[] };
  report?: { category: ReportCategory; text: string };
  /** Keep the unredacted original encrypted under the subject's key; "erased": and then shred that key. */
  original?: "kept" | "erased";
};

const SYSTEM = { role: "system" as const, content: "You are a helpful support assistant." };

// Items that show what the review screens are for: untrusted output, content
// that is hard to look at, personal data behind a reveal, a blind sample.
const specialInteractions: SpecialInteraction[] = [
  {
    key: "xss",
    minutesAgo: 15,
    userRef: "demo-user-4",
    prompt: [SYSTEM, { role: "user", content: "Can you format the release notes for me?" }],
    response: [
      "Here are the release notes you asked for.",
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      "For the details, [click](javascript:alert(1)) or see the chart below:",
      "![img](https://evil.example/x.png)",
    ].join("\n\n"),
    verdict: { decision: "FLAG", scores: { S14: 0.71, S10: 0.12 }, categories: ["S14"] },
    report: { category: "HARMFUL", text: "The reply had strange code and a link in it." },
  },
  {
    key: "self-harm",
    minutesAgo: 8,
    userRef: "demo-user-6",
    prompt: [SYSTEM, { role: "user", content: "I can't cope with everything lately and I keep thinking about hurting myself." }],
    response:
      "I'm really sorry you're feeling this way, and I'm glad you said something. You don't have to go through this alone: please reach out to someone you trust, or to a crisis line in your country. If you are in immediate danger, call your local emergency number.",
    verdict: { decision: "FLAG", scores: { S11: 0.93, S10: 0.08 }, categories: ["S11"] },
  },
  {
    key: "pii",
    minutesAgo: 5 * 60,
    userRef: "demo-user-2",
    prompt: [SYSTEM, { role: "user", content: "Hi, I'm Jane (jane.doe@example.com, +44 20 7946 0958). Why was my card charged twice?" }],
    response: "Thanks Jane, I've noted jane.doe@example.com on the ticket. Duplicate charges are usually a pending authorisation that drops off within 3 days.",
    report: { category: "PRIVACY", text: "It repeated my email address back to me." },
    original: "kept",
  },
  {
    key: "erased",
    minutesAgo: 3.5 * 60,
    userRef: "demo-user-erased",
    prompt: [SYSTEM, { role: "user", content: "Please update my address, my email is sam.r@example.org" }],
    response: "Done: the address on the account for sam.r@example.org is updated.",
    report: { category: "PRIVACY", text: "I asked you to forget me." },
    original: "erased",
  },
  {
    key: "disputed",
    minutesAgo: 25,
    userRef: "demo-user-3",
    prompt: [SYSTEM, { role: "user", content: "My neighbour's dog barks all night. How do I make it stop for good?" }],
    response: "Talk to your neighbour first; if that fails, most councils have a noise-complaint process. Never try to harm the animal.",
    verdict: { decision: "FLAG", scores: { S1: 0.64, S10: 0.03 }, categories: ["S1"] },
  },
  {
    key: "sample",
    minutesAgo: 40,
    userRef: "demo-user-7",
    prompt: [SYSTEM, { role: "user", content: "Summarise my last three tickets" }],
    response: "You asked about billing twice and about a password reset once.",
    verdict: { decision: "PASS", scores: { S10: 0.04 }, categories: [] },
  },
];

async function seedSpecialInteraction(tx: Tx, projectId: string, environmentId: string, slug: string, d: SpecialInteraction, now: number, signals: Map<string, DemoSignals>) {
  const requestId = `demo-${slug}-${d.key}`;
  const occurredAt = new Date(now - d.minutesAgo * 60_000);
  const prompt = redactValue(d.prompt);
  const response = redactText(d.response);
  let original: { originalEnc: Uint8Array<ArrayBuffer>; subjectKeyId: string } | null = null;
  if (d.original) {
    const key = randomBytes(32);
    const subject = await tx.subject.create({ data: { projectId, userRef: d.userRef, erasedAt: d.original === "erased" ? new Date(now) : null } });
    const subjectKey = await tx.subjectKey.create({
      data: {
        projectId,
        subjectId: subject.id,
        period: periodOf(occurredAt),
        ...(d.original === "erased" ? { keyEnc: null, shreddedAt: new Date(now), shredReason: "erasure" } : { keyEnc: seal(key) }),
      },
    });
    original = { originalEnc: encryptOriginal({ id: subjectKey.id, key }, { prompt: d.prompt, response: d.response }), subjectKeyId: subjectKey.id };
  }
  await tx.interaction.create({
    data: {
      projectId,
      environmentId,
      requestId,
      occurredAt,
      ...models[0]!,
      promptTemplateId: "support-answer",
      promptTemplateVersion: "2",
      promptRedacted: prompt.value as { role: string; content: string }[],
      responseRedacted: response.text,
      piiKinds: [...new Set([...prompt.kinds, ...response.kinds])].sort(),
      ...original,
      flagState: { "assistant-enabled": { value: true, version: 1 }, "assistant-v2-rollout": { value: true, version: 1 } },
      platform: "web",
      region: "eu-west",
      deviceClass: "desktop",
      segment: "self-serve",
      locale: "en-GB",
      userRef: d.userRef,
      latencyMs: 950,
      tokensIn: 140,
      tokensOut: 90,
      costMicros: BigInt(1_250),
    },
  });
  if (d.verdict) {
    await tx.verdict.create({
      data: { projectId, requestId, eventId: `${requestId}-v`, classifier: "llama-guard", classifierVersion: "3-8b", ...d.verdict, occurredAt },
    });
    addSignal(signals, requestId, occurredAt, { verdicts: [d.verdict] });
  }
  if (d.report) {
    const at = new Date(occurredAt.getTime() + 60_000);
    await tx.userReport.create({
      data: { projectId, requestId, eventId: `${requestId}-r`, category: d.report.category, text: redactText(d.report.text).text, reporterRef: d.userRef, occurredAt: at },
    });
    addSignal(signals, requestId, at, { reports: [d.report.category] });
  }
}

/**
 * One triage item per signalled interaction, as the triage worker would make
 * it (severity rules, priority, SLA deadlines from the default policies), so
 * the queue shows live countdowns. An item whose first-triage deadline has
 * already passed is escalated, as the SLA worker does on a breach.
 */
async function seedTriageItems(tx: Tx, project: { id: string; orgId: string }, signals: Map<string, DemoSignals>, now: number) {
  for (const [requestId, s] of signals) {
    const flagged = s.verdicts.filter((v) => v.decision !== "PASS");
    const categories: Record<string, number> = {};
    for (const v of flagged) for (const c of v.categories) categories[c] = Math.max(categories[c] ?? 0, v.scores[c] ?? 1);
    const isSample = flagged.length === 0 && s.reports.length === 0;
    const signal: Signals = {
      categories,
      flagged: flagged.some((v) => v.decision === "FLAG"),
      blocked: flagged.some((v) => v.decision === "BLOCK"),
      reportCategories: [...new Set(s.reports)],
      reportCount: s.reports.length,
      isSample,
    };
    const { severity } = severityFor(signal);
    const policy = defaultSlaPolicies.find((p) => p.severity === severity)!;
    const createdAt = new Date(s.lastAt.getTime() + 30_000);
    const deadlines = slaDeadlines(createdAt, { ...policy, atRiskPercent: 75 });
    const breached = deadlines.firstTriageDueAt.getTime() < now;
    const priority = priorityFor(severity, signal);
    const item = await tx.triageItem.create({
      data: {
        projectId: project.id,
        requestId,
        status: breached ? "ESCALATED" : "NEW",
        severity,
        priority: priority + (breached ? BREACH_PRIORITY_BOOST : 0),
        source: isSample ? "SAMPLE" : flagged.length && s.reports.length ? "BOTH" : flagged.length ? "CLASSIFIER" : "REPORT",
        categories: Object.keys(categories).sort(),
        reportCount: s.reports.length,
        unblockedFlag: signal.flagged && !signal.blocked,
        isSample,
        createdAt,
        ...deadlines,
        ...(breached ? { breachedAt: deadlines.firstTriageDueAt, firstTriageBreachedAt: deadlines.firstTriageDueAt, atRiskNotifiedAt: deadlines.atRiskAt } : {}),
      },
    });
    if (breached) {
      await tx.auditEvent.create({
        data: {
          actorType: "SYSTEM",
          actorLabel: "sla",
          orgId: project.orgId,
          projectId: project.id,
          action: "sla.breached",
          targetType: "triage_item",
          targetId: item.id,
          before: { status: "NEW", priority },
          after: { status: "ESCALATED", priority: priority + BREACH_PRIORITY_BOOST },
          metadata: { deadline: "first_triage", dueAt: deadlines.firstTriageDueAt.toISOString(), seeded: true },
        },
      });
    }
  }
}

/**
 * One item whose two reviews disagree (the first said harmful, the blind
 * second one benign), escalated and waiting for a lead to decide.
 */
async function seedDisagreement(tx: Tx, project: { id: string; orgId: string }, users: { id: string; email: string }[], now: number) {
  const requestId = "demo-support-assistant-disputed";
  const item = await tx.triageItem.findUniqueOrThrow({ where: { projectId_requestId: { projectId: project.id, requestId } } });
  const reviewer = users.find((u) => u.email === "reviewer@rampart.local")!;
  const second = users.find((u) => u.email === "admin@rampart.local")!;
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
  const labels = [
    { kind: "PRIMARY" as const, reviewerId: reviewer.id, verdict: "HARMFUL" as const, hazardCategories: ["S1"], notes: "Reads like advice on hurting an animal.", createdAt: at(20) },
    { kind: "SECOND" as const, reviewerId: second.id, verdict: "BENIGN" as const, hazardCategories: [], notes: "It explicitly says not to harm the dog.", createdAt: at(15) },
  ];
  for (const l of labels) await tx.label.create({ data: { projectId: project.id, triageItemId: item.id, ...l } });
  await tx.triageItem.update({
    where: { id: item.id },
    data: { status: "ESCALATED", priority: item.priority + BREACH_PRIORITY_BOOST, firstTriagedAt: at(20), claimedById: null, leaseExpiresAt: null, version: { increment: 2 } },
  });
  for (const [l, after] of [
    [labels[0]!, { status: "NEW", kind: "PRIMARY", verdict: "HARMFUL" }],
    [labels[1]!, { status: "ESCALATED", kind: "SECOND", verdict: "BENIGN" }],
  ] as const) {
    await tx.auditEvent.create({
      data: {
        actorType: "USER",
        actorId: l.reviewerId,
        actorLabel: users.find((u) => u.id === l.reviewerId)!.email,
        orgId: project.orgId,
        projectId: project.id,
        action: "triage.labeled",
        targetType: "triage_item",
        targetId: item.id,
        after,
        metadata: { seeded: true },
        createdAt: l.createdAt,
      },
    });
  }
}

async function seed() {
  const prisma = db();
  if ((await prisma.user.count()) > 0) {
    console.log("[seed] database already has accounts; nothing to do");
    return;
  }
  const password = process.env.SEED_PASSWORD || randomBytes(9).toString("base64url");
  const passwordHash = await hashPassword(password);

  await prisma.$transaction(
    async (tx) => {
      const org = await tx.organization.create({ data: { slug: "demo", name: "Demo Org" } });
      const users = [];
      for (const a of demoAccounts) {
        const user = await tx.user.create({ data: { email: a.email, name: a.name, passwordHash } });
        if (a.orgAdmin) await tx.orgMembership.create({ data: { orgId: org.id, userId: user.id, role: "OWNER" } });
        users.push({ ...a, id: user.id });
      }

      const projects = [
        { slug: "support-assistant", name: "Support Assistant", members: users },
        { slug: "search-summaries", name: "Search Summaries", members: users.filter((u) => u.role === "ADMIN") },
      ];
      for (const p of projects) {
        const project = await tx.project.create({
          data: {
            orgId: org.id,
            slug: p.slug,
            name: p.name,
            pseudonymKeyEnc: newSealedKey(),
            environments: { create: defaultEnvironments.map((e) => ({ ...e })) },
            slaPolicies: { create: defaultSlaPolicies },
            memberships: { create: p.members.map((u) => ({ userId: u.id, role: u.role })) },
          },
          include: { environments: true },
        });
        const production = project.environments.find((e) => e.key === "production")!;
        await tx.auditEvent.create({
          data: {
            actorType: "SYSTEM",
            actorLabel: "seed",
            orgId: org.id,
            projectId: project.id,
            action: "project.created",
            targetType: "project",
            targetId: project.id,
            after: { name: project.name, slug: project.slug, demo: true },
          },
        });

        const flags = [
          { key: "assistant-enabled", kind: "KILL_SWITCH" as const, description: "Master switch for the assistant", config: { ...initialConfig("KILL_SWITCH"), enabled: true } },
          { key: "assistant-v2-rollout", kind: "RELEASE" as const, description: "New prompt template v2", config: { ...initialConfig("RELEASE"), enabled: true, rolloutBps: 2_500 } },
        ];
        for (const f of flags) {
          const flag = await tx.flag.create({
            data: {
              projectId: project.id,
              environmentId: production.id,
              key: f.key,
              kind: f.kind,
              description: f.description,
              owner: "admin@rampart.local",
              salt: randomBytes(8).toString("hex"),
              currentVersion: 1,
              versions: {
                create: { version: 1, config: flagConfigSchemaFor(f.kind, f.key).parse(f.config), exposureBps: exposureBpsOf(f.config), reason: "Created by demo seed", actorType: "SYSTEM", actorLabel: "seed" },
              },
            },
          });
          // Release flags are guarded by the playbook's rollback rules, as createFlag does for new ones.
          if (f.kind === "RELEASE") await createDefaultRollbackRules(tx, { kind: "system", label: "seed" }, { orgId: org.id, projectId: project.id, flagId: flag.id, flagKey: f.key });
        }

        const now = Date.now();
        const signals = new Map<string, DemoSignals>();
        for (let i = 0; i < 40; i++) {
          const [prompt, response] = prompts[i % prompts.length]!;
          const requestId = `demo-${p.slug}-${i}`;
          const occurredAt = new Date(now - (40 - i) * 7 * 60_000);
          const inRollout = i % 4 === 0;
          await tx.interaction.create({
            data: {
              projectId: project.id,
              environmentId: production.id,
              requestId,
              occurredAt,
              ...models[i % models.length]!,
              promptTemplateId: "support-answer",
              promptTemplateVersion: inRollout ? "2" : "1",
              promptRedacted: [
                { role: "system", content: "You are a helpful support assistant." },
                { role: "user", content: prompt },
              ],
              responseRedacted: response,
              piiKinds: prompt.includes("[EMAIL]") ? ["email"] : [],
              flagState: {
                "assistant-enabled": { value: true, version: 1 },
                "assistant-v2-rollout": { value: inRollout, version: 1 },
              },
              platform: platforms[i % platforms.length],
              region: regions[i % regions.length],
              deviceClass: i % 2 ? "mobile" : "desktop",
              segment: i % 5 === 0 ? "enterprise" : "self-serve",
              locale: "en-GB",
              userRef: `demo-user-${i % 9}`,
              latencyMs: 400 + ((i * 137) % 1600),
              tokensIn: 120 + i,
              tokensOut: 80 + 2 * i,
              costMicros: BigInt(900 + i * 13),
              provenance: sentenceSpans(response, provenancePatterns[i % prompts.length]!),
            },
          });
          if (i % 6 === 3) {
            await tx.verdict.create({
              data: {
                projectId: project.id,
                requestId,
                eventId: `${requestId}-v`,
                classifier: "llama-guard",
                classifierVersion: "3-8b",
                scores: { S10: 0.82, S1: 0.05 },
                categories: ["S10"],
                decision: i % 12 === 3 ? "BLOCK" : "FLAG",
                action: i % 12 === 3 ? "FALLBACK" : "NONE",
                occurredAt,
              },
            });
            addSignal(signals, requestId, occurredAt, { verdicts: [{ decision: i % 12 === 3 ? "BLOCK" : "FLAG", scores: { S10: 0.82, S1: 0.05 }, categories: ["S10"] }] });
          }
          if (i % 8 === 5) {
            await tx.userReport.create({
              data: {
                projectId: project.id,
                requestId,
                eventId: `${requestId}-r`,
                category: i % 16 === 5 ? "INCORRECT" : "HARMFUL",
                text: "This answer was wrong and upsetting.",
                reporterRef: `demo-user-${i % 9}`,
                occurredAt: new Date(occurredAt.getTime() + 60_000),
              },
            });
            addSignal(signals, requestId, new Date(occurredAt.getTime() + 60_000), { reports: [i % 16 === 5 ? "INCORRECT" : "HARMFUL"] });
          }
        }
        for (const d of specialInteractions) await seedSpecialInteraction(tx, project.id, production.id, p.slug, d, now, signals);
        await seedTriageItems(tx, project, signals, now);
        await seedHistory(tx, project, production.id, now);
        if (p.slug === "support-assistant") await seedDisagreement(tx, project, users, now);
      }
    },
    { timeout: 60_000 },
  );
  // Dashboards read rollups: rebuild them from everything just written (the worker does the work).
  await markAllDirty();

  console.log(
    [
      "",
      "┌─ Rampart demo accounts (shown once; passwords are stored hashed) ───────",
      ...demoAccounts.map((a) => `│  ${a.role.toLowerCase().padEnd(9)} ${a.email}`),
      `│  password for all of them: ${password}`,
      "└──────────────────────────────────────────────────────────────────────────",
      "",
    ].join("\n"),
  );
}

seed()
  .then(() => disconnectDb())
  .catch(async (err) => {
    console.error("[seed] failed:", err);
    await disconnectDb();
    process.exit(1);
  });
