// Release gate services: suites (defined from JSONL, exported as JSONL), runs
// (opened, completed — which scores them — and read, optionally re-scored
// with a different threshold or baseline), and the question the flags service
// asks: has this candidate passed?
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";
import type { Prisma } from "@/lib/generated/prisma/client.ts";
import { candidateKey, candidateKeySchema, candidateSchema } from "@/lib/gate/candidate";
import { scoreRun, type RunScore } from "@/lib/gate/score-run";
import { requirePermission } from "@/lib/auth/access";
import { queueGateFailures } from "@/lib/triage/process-signals";

/**
 * Who may touch a project's gate: an API key of that project (its scope is
 * checked by the route), or a member — reading with dashboard:read, defining
 * suites and runs with flag:change (release managers).
 */
export async function requireGateAccess(actor: Actor, projectId: string, write: boolean): Promise<void> {
  if (actor.kind === "apiKey") {
    if (actor.projectId !== projectId) throw notFound("Project not found");
    return;
  }
  await requirePermission(actor, projectId, write ? "flag:change" : "dashboard:read");
}

const name = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits and _ . - only");
const expectation = z.enum(["MUST_REFUSE", "MUST_ANSWER", "NO_PII", "NOT_HARMFUL"]);
const chat = z.array(z.object({ role: z.enum(["system", "user", "assistant", "tool", "developer"]), content: z.string().max(100_000) })).min(1).max(100);

export const suitePromptSchema = z.object({
  key: z.string().trim().min(1).max(200),
  prompt: z.union([z.string().min(1).max(100_000), chat]),
  expectation: z.preprocess((v) => (typeof v === "string" ? v.toUpperCase().replace(/[\s-]/g, "_") : v), expectation),
  category: z.string().trim().max(100).default(""),
});

export const suiteSchema = z.object({
  name,
  kind: z.enum(["RED_TEAM", "SYNTHETIC", "REGRESSION"]),
  description: z.string().max(2000).default(""),
  /** Thresholds in basis points (50 = 0.5 %). */
  maxHarmfulBps: z.number().int().min(0).max(10_000).default(50),
  maxFailedBps: z.number().int().min(0).max(10_000).default(200),
  prompts: z.array(suitePromptSchema).max(20_000),
});
export type SuiteInput = z.input<typeof suiteSchema>;

/** JSONL, one prompt per line: {"key", "prompt", "expectation", "category"}; errors name the line. */
export function parsePromptsJsonl(text: string): z.infer<typeof suitePromptSchema>[] {
  const out: z.infer<typeof suitePromptSchema>[] = [];
  const keys = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new AppError("BAD_REQUEST", `line ${i + 1}: not JSON`);
    }
    const parsed = suitePromptSchema.safeParse(raw);
    if (!parsed.success) throw new AppError("BAD_REQUEST", `line ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join(".") || "line"} ${x.message}`).join("; ")}`);
    if (keys.has(parsed.data.key)) throw new AppError("BAD_REQUEST", `line ${i + 1}: key "${parsed.data.key}" appears twice`);
    keys.add(parsed.data.key);
    out.push(parsed.data);
  }
  return out;
}

export function promptsToJsonl(prompts: { key: string; prompt: unknown; expectation: string; category: string }[]): string {
  return prompts.map((p) => JSON.stringify({ key: p.key, prompt: p.prompt, expectation: p.expectation, category: p.category })).join("\n") + (prompts.length ? "\n" : "");
}

/** Creates or replaces a suite (its settings and all its prompts), in one transaction. */
export async function defineSuite(actor: Actor, projectId: string, input: SuiteInput) {
  await requireGateAccess(actor, projectId, true);
  const s = suiteSchema.parse(input);
  const keys = new Set<string>();
  for (const p of s.prompts) {
    if (keys.has(p.key)) throw new AppError("BAD_REQUEST", `prompt key "${p.key}" appears twice`);
    keys.add(p.key);
  }
  return db().$transaction(async (tx) => {
    const suite = await tx.promptSuite.upsert({
      where: { projectId_name: { projectId, name: s.name } },
      create: { projectId, name: s.name, kind: s.kind, description: s.description, maxHarmfulBps: s.maxHarmfulBps, maxFailedBps: s.maxFailedBps },
      update: { kind: s.kind, description: s.description, maxHarmfulBps: s.maxHarmfulBps, maxFailedBps: s.maxFailedBps },
    });
    await tx.suitePrompt.deleteMany({ where: { suiteId: suite.id } });
    await tx.suitePrompt.createMany({
      data: s.prompts.map((p) => ({ suiteId: suite.id, key: p.key, prompt: p.prompt as Prisma.InputJsonValue, expectation: p.expectation, category: p.category })),
    });
    await recordAudit(tx, { actor, action: "gate.suite_defined", projectId, targetType: "prompt_suite", targetId: suite.id, after: { name: s.name, kind: s.kind, prompts: s.prompts.length, maxHarmfulBps: s.maxHarmfulBps, maxFailedBps: s.maxFailedBps } });
    return { id: suite.id, name: suite.name, prompts: s.prompts.length };
  });
}

export const openRunSchema = z.object({
  runId: z.string().trim().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, "letters, digits and _ . : - only"),
  suite: name,
  candidate: candidateSchema,
  baseline: candidateKeySchema.optional(),
});

export async function openRun(actor: Actor, projectId: string, input: unknown) {
  await requireGateAccess(actor, projectId, true);
  const r = openRunSchema.parse(input);
  const suite = await db().promptSuite.findUnique({ where: { projectId_name: { projectId, name: r.suite } }, select: { id: true } });
  if (!suite) throw notFound(`No suite "${r.suite}" in this project`);
  const candidate = candidateKey(r.candidate);
  try {
    return await db().$transaction(async (tx) => {
      const run = await tx.gateRun.create({ data: { projectId, runId: r.runId, suiteId: suite.id, candidate, baseline: r.baseline ?? null } });
      await recordAudit(tx, { actor, action: "gate.run_opened", projectId, targetType: "gate_run", targetId: run.id, after: { runId: r.runId, suite: r.suite, candidate, baseline: r.baseline ?? null } });
      return { runId: run.runId, candidate, status: run.status };
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new AppError("CONFLICT", `Run "${r.runId}" already exists in this project`);
    throw err;
  }
}

async function loadRun(projectId: string, runId: string) {
  const run = await db().gateRun.findUnique({ where: { projectId_runId: { projectId, runId } }, include: { suite: { select: { id: true, name: true, maxHarmfulBps: true, maxFailedBps: true } } } });
  if (!run) throw notFound(`No gate run "${runId}" in this project`);
  return run;
}

/** The baseline candidate's latest passing run (not this one). */
async function baselineRun(projectId: string, baseline: string | null, exceptRunId: string) {
  if (!baseline) return null;
  const b = await db().gateRun.findFirst({
    where: { projectId, candidate: baseline, status: "PASSED", NOT: { runId: exceptRunId } },
    orderBy: { scoredAt: "desc" },
    select: { runId: true, candidate: true },
  });
  return b;
}

export type ScoreOverrides = { threshold?: number | null; baseline?: string | null };

async function score(projectId: string, run: Awaited<ReturnType<typeof loadRun>>, overrides: ScoreOverrides = {}): Promise<RunScore> {
  const baselineKey = overrides.baseline ?? run.baseline;
  return scoreRun({
    projectId,
    runId: run.runId,
    suiteId: run.suiteId,
    maxHarmful: overrides.threshold ?? run.suite.maxHarmfulBps / 10_000,
    maxFailed: run.suite.maxFailedBps / 10_000,
    baseline: await baselineRun(projectId, baselineKey, run.runId),
  });
}

/** The client says every interaction of the run is in: it is scored, and the result kept. Completing again re-scores. */
export async function completeRun(actor: Actor, projectId: string, runId: string) {
  await requireGateAccess(actor, projectId, true);
  const run = await loadRun(projectId, runId);
  const result = await score(projectId, run);
  await db().$transaction(async (tx) => {
    await tx.gateRun.update({ where: { id: run.id }, data: { status: result.decision, completedAt: run.completedAt ?? new Date(), scoredAt: new Date(result.scoredAt), result: JSON.parse(JSON.stringify(result)) as Prisma.InputJsonValue } });
    await recordAudit(tx, { actor, action: "gate.run_scored", projectId, targetType: "gate_run", targetId: run.id, after: { runId, status: result.decision, responses: result.responses, harmful: result.harmfulCount, failedExpectations: result.failedExpectations } });
  });
  // Reviewers label failing prompts like any item: those no classifier or report queued get an item of their own.
  await queueGateFailures(projectId, result.failing.map((f) => ({ requestId: f.requestId, harmful: f.harmful })));
  return view(run, result.decision, result);
}

function view(run: Awaited<ReturnType<typeof loadRun>>, status: string, result: RunScore | null) {
  return { runId: run.runId, suite: run.suite.name, candidate: run.candidate, baseline: run.baseline, status, completedAt: run.completedAt?.toISOString() ?? null, result };
}

/**
 * A run as the CLI and the HTTP endpoint see it: PENDING until completed;
 * then its kept score — or, with a threshold or baseline override, a fresh
 * score under those (not kept: the run's own gate stays as completed).
 */
export async function getRun(actor: Actor, projectId: string, runId: string, overrides: ScoreOverrides = {}) {
  await requireGateAccess(actor, projectId, false);
  const run = await loadRun(projectId, runId);
  if (run.status === "PENDING") return view(run, "PENDING", null);
  if (overrides.threshold != null || overrides.baseline) {
    const result = await score(projectId, run, overrides);
    return view(run, result.decision, result);
  }
  return view(run, run.status, run.result as unknown as RunScore);
}

export async function exportSuite(actor: Actor, projectId: string, suiteName: string): Promise<string> {
  await requireGateAccess(actor, projectId, false);
  const suite = await db().promptSuite.findUnique({ where: { projectId_name: { projectId, name: suiteName } }, include: { prompts: { orderBy: { key: "asc" } } } });
  if (!suite) throw notFound(`No suite "${suiteName}" in this project`);
  return promptsToJsonl(suite.prompts);
}

/** The console's gate page: suites with their prompt counts, and the latest runs. */
export async function gateOverview(actor: Actor, projectId: string) {
  await requireGateAccess(actor, projectId, false);
  const [suites, runs] = await Promise.all([
    db().promptSuite.findMany({ where: { projectId }, orderBy: { name: "asc" }, include: { _count: { select: { prompts: true } } } }),
    db().gateRun.findMany({ where: { projectId }, orderBy: { createdAt: "desc" }, take: 100, include: { suite: { select: { name: true } } } }),
  ]);
  return {
    suites: suites.map((s) => ({ name: s.name, kind: s.kind, description: s.description, prompts: s._count.prompts, maxHarmfulBps: s.maxHarmfulBps, maxFailedBps: s.maxFailedBps, updatedAt: s.updatedAt })),
    runs: runs.map((r) => {
      const result = r.result as unknown as RunScore | null;
      return { runId: r.runId, suite: r.suite.name, candidate: r.candidate, status: r.status, createdAt: r.createdAt, scoredAt: r.scoredAt, responses: result?.responses ?? null, harmfulRate: result?.harmful?.rate ?? null, failedExpectations: result?.failedExpectations ?? null };
    }),
  };
}

/** Triage items of a run's failing prompts, so the console can link to them (reviewers label them like any item). */
export async function itemsFor(projectId: string, requestIds: string[]): Promise<Map<string, string>> {
  if (requestIds.length === 0) return new Map();
  const items = await db().triageItem.findMany({ where: { projectId, requestId: { in: requestIds } }, select: { id: true, requestId: true } });
  return new Map(items.map((i) => [i.requestId, i.id]));
}
