// First-run setup: an organization, two demo projects, one account per role
// and a little sample traffic, so a newcomer sees a populated console. Runs
// only against an empty database; prints the sign-in details once.
import "@/workers/load-env";
import { randomBytes } from "node:crypto";
import { db, disconnectDb } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { newSealedKey } from "@/lib/crypto/secretbox";
import { defaultEnvironments, defaultSlaPolicies } from "@/lib/projects/defaults";
import type { ProjectRole } from "@/lib/generated/prisma/client.ts";

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
          { key: "assistant-enabled", kind: "KILL_SWITCH" as const, description: "Master switch for the assistant", config: { enabled: true }, exposureBps: 10_000 },
          { key: "assistant-v2-rollout", kind: "RELEASE" as const, description: "New prompt template v2", config: { enabled: true, rolloutBps: 2_500 }, exposureBps: 2_500 },
        ];
        for (const f of flags) {
          await tx.flag.create({
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
                create: { version: 1, config: f.config, exposureBps: f.exposureBps, reason: "Created by demo seed", actorType: "SYSTEM", actorLabel: "seed" },
              },
            },
          });
        }

        const now = Date.now();
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
          }
        }
      }
    },
    { timeout: 60_000 },
  );

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
