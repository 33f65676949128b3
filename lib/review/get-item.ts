// Everything a reviewer needs to judge one triage item: the interaction as the
// user saw it (redacted), the classifier verdicts (withheld for blind samples),
// the user reports, the flag snapshot with the rollout at that moment, the
// item's audit history, and the same pseudonymous user's other interactions.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { requirePermission } from "@/lib/auth/access";
import { can } from "@/lib/auth/permissions";
import { reviewStage } from "@/lib/review/label-stage";
import type { Actor } from "@/lib/auth/actor-types";
import { nextDeadline } from "@/lib/review/queue-schemas";
import { sensitiveCategories } from "@/lib/review/sensitive";

export type ChatMessage = { role: string; name?: string; content: string };
export type ProvenanceSpan = { start: number; end: number; source: "own_data" | "inferred" | "guess" };
export type FlagSnapshot = {
  key: string;
  value: unknown;
  variant: string | null;
  version: number | null;
  /** Share of traffic the flag exposed at that version, in percent; null when that version is unknown here. */
  rolloutPercent: number | null;
};

const partsSchema = z.array(z.object({ type: z.string(), text: z.string().optional() }));
const messageSchema = z.object({ role: z.string(), name: z.string().optional(), content: z.union([z.string(), partsSchema]) });
const provenanceSchema = z.array(z.object({ start: z.number().int().min(0), end: z.number().int().min(0), source: z.enum(["own_data", "inferred", "guess"]) }));
const flagStateSchema = z.record(z.string(), z.object({ value: z.unknown(), variant: z.string().optional(), version: z.number().int().optional() }));

/** A prompt as stored: plain text (one user message) or chat messages whose content may be text parts. */
export function promptMessages(prompt: unknown): ChatMessage[] {
  if (typeof prompt === "string") return [{ role: "user", content: prompt }];
  const parsed = z.array(messageSchema).safeParse(prompt);
  if (!parsed.success) return [{ role: "unknown", content: JSON.stringify(prompt, null, 2) }];
  return parsed.data.map((m) => ({
    role: m.role,
    ...(m.name ? { name: m.name } : {}),
    content: typeof m.content === "string" ? m.content : m.content.map((p) => p.text ?? `[${p.type} part]`).join("\n\n"),
  }));
}

const itemIdSchema = z.uuid();

export async function getItem(actor: Actor, projectId: string, itemId: string) {
  const access = await requirePermission(actor, projectId, "queue:read");
  // A malformed id is as unknown as an id of another project.
  if (!itemIdSchema.safeParse(itemId).success) throw notFound("Item not found");
  const prisma = db();
  const asOf = new Date();
  const item = await prisma.triageItem.findFirst({
    where: { id: itemId, projectId },
    include: {
      claimedBy: { select: { name: true, email: true } },
      incident: { select: { id: true, number: true, title: true, status: true } },
      labels: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          kind: true,
          verdict: true,
          hazardCategories: true,
          severity: true,
          notes: true,
          correctedResponse: true,
          reviewerId: true,
          createdAt: true,
          reviewer: { select: { name: true } },
        },
      },
    },
  });
  if (!item) throw notFound("Item not found");
  const { requestId } = item;

  const [interaction, verdicts, reports, history] = await Promise.all([
    prisma.interaction.findUnique({
      where: { projectId_requestId: { projectId, requestId } },
      select: {
        id: true,
        occurredAt: true,
        receivedAt: true,
        modelProvider: true,
        modelId: true,
        modelVersion: true,
        promptTemplateId: true,
        promptTemplateVersion: true,
        promptRedacted: true,
        responseRedacted: true,
        subjectKeyId: true,
        subjectKey: { select: { shreddedAt: true } },
        piiKinds: true,
        flagState: true,
        platform: true,
        region: true,
        deviceClass: true,
        segment: true,
        locale: true,
        userRef: true,
        latencyMs: true,
        tokensIn: true,
        tokensOut: true,
        costMicros: true,
        provenance: true,
        environmentId: true,
        environment: { select: { key: true } },
      },
    }),
    // Blind review: a sample is judged without the classifiers' opinion.
    item.isSample
      ? null
      : prisma.verdict.findMany({
          where: { projectId, requestId },
          orderBy: { occurredAt: "asc" },
          select: { id: true, classifier: true, classifierVersion: true, scores: true, categories: true, decision: true, action: true, occurredAt: true },
        }),
    prisma.userReport.findMany({
      where: { projectId, requestId },
      orderBy: { occurredAt: "asc" },
      select: { id: true, category: true, text: true, occurredAt: true },
    }),
    prisma.auditEvent.findMany({
      where: { projectId, targetType: "triage_item", targetId: item.id },
      orderBy: { id: "desc" },
      take: 100,
      select: { id: true, createdAt: true, actorType: true, actorLabel: true, action: true, before: true, after: true, metadata: true },
    }),
  ]);

  const [flags, sameUser] = interaction
    ? await Promise.all([flagSnapshot(projectId, interaction.environmentId, interaction.flagState), otherInteractions(projectId, interaction.userRef, interaction.id)])
    : [[], []];

  const verdictCategories = verdicts?.flatMap((v) => v.categories) ?? [];
  // A second review is blind: until it is in, only leads (and the label's own
  // author) see the first verdict, in the labels and in the history alike.
  const blind = item.needsSecondReview && !can(access.role, "item:adjudicate");
  const seen = (l: { reviewerId: string }) => !blind || (actor.kind === "user" && l.reviewerId === actor.userId);
  return {
    item: {
      id: item.id,
      requestId,
      status: item.status,
      severity: item.severity,
      source: item.source,
      categories: item.categories,
      reportCount: item.reportCount,
      priority: item.priority,
      isSample: item.isSample,
      unblockedFlag: item.unblockedFlag,
      needsSecondReview: item.needsSecondReview,
      version: item.version,
      claimedById: item.claimedById,
      claimedBy: item.claimedBy,
      incident: item.incident,
      leaseExpiresAt: item.leaseExpiresAt,
      createdAt: item.createdAt,
      firstTriageDueAt: item.firstTriageDueAt,
      firstTriagedAt: item.firstTriagedAt,
      resolutionDueAt: item.resolutionDueAt,
      resolvedAt: item.resolvedAt,
      breachedAt: item.breachedAt,
      pausedAt: item.pausedAt,
      pausedMs: Number(item.pausedMs),
      next: nextDeadline(item),
    },
    /** Categories whose content is blurred until the reviewer asks to see it. */
    sensitive: sensitiveCategories([...item.categories, ...verdictCategories]),
    interaction: interaction && {
      id: interaction.id,
      environmentId: interaction.environmentId,
      occurredAt: interaction.occurredAt,
      receivedAt: interaction.receivedAt,
      environment: interaction.environment.key,
      model: { provider: interaction.modelProvider, id: interaction.modelId, version: interaction.modelVersion },
      promptTemplate: interaction.promptTemplateId ? { id: interaction.promptTemplateId, version: interaction.promptTemplateVersion } : null,
      messages: promptMessages(interaction.promptRedacted),
      response: interaction.responseRedacted,
      provenance: provenanceSchema.safeParse(interaction.provenance).data ?? [],
      cohort: {
        platform: interaction.platform,
        region: interaction.region,
        deviceClass: interaction.deviceClass,
        segment: interaction.segment,
        locale: interaction.locale,
      },
      userRef: interaction.userRef,
      latencyMs: interaction.latencyMs,
      tokensIn: interaction.tokensIn,
      tokensOut: interaction.tokensOut,
      costMicros: interaction.costMicros === null ? null : Number(interaction.costMicros),
      piiKinds: interaction.piiKinds,
      /** Whether an encrypted original exists, and whether its key still does. */
      original: interaction.subjectKeyId === null ? ("none" as const) : interaction.subjectKey?.shreddedAt ? ("erased" as const) : ("stored" as const),
      flags,
    },
    verdicts: verdicts?.map((v) => ({
      ...v,
      scores: Object.entries(z.record(z.string(), z.number()).safeParse(v.scores).data ?? {}).sort((a, b) => b[1] - a[1]),
    })) ?? null,
    reports,
    labels: item.labels.filter(seen),
    /** Which review a label given now would be (lib/review/label-stage.ts). */
    stage: reviewStage(item.labels, item.needsSecondReview),
    /** Whether the actor gave the first review of an item now waiting for its blind second one. */
    gaveFirstReview: item.needsSecondReview && item.labels.some((l) => l.kind === "PRIMARY" && actor.kind === "user" && l.reviewerId === actor.userId),
    history: history.map((e) => ({
      ...e,
      id: e.id.toString(),
      ...(blind && e.action === "triage.labeled" ? { before: null, after: null } : {}),
    })),
    sameUser,
    /** When this was read: the clock the SLA countdown starts from. */
    asOf,
  };
}

export type ItemContext = Awaited<ReturnType<typeof getItem>>;

async function flagSnapshot(projectId: string, environmentId: string, state: unknown): Promise<FlagSnapshot[]> {
  const parsed = flagStateSchema.safeParse(state);
  if (!parsed.success) return [];
  const entries = Object.entries(parsed.data).sort(([a], [b]) => a.localeCompare(b));
  const keys = entries.map(([k]) => k);
  const flags = keys.length
    ? await db().flag.findMany({
        where: { projectId, environmentId, key: { in: keys } },
        select: {
          key: true,
          versions: {
            where: { version: { in: [...new Set(entries.flatMap(([, s]) => (s.version === undefined ? [] : [s.version])))] }, status: "APPLIED" },
            select: { version: true, exposureBps: true },
          },
        },
      })
    : [];
  const byKey = new Map(flags.map((f) => [f.key, f.versions]));
  return entries.map(([key, s]) => {
    const at = s.version === undefined ? undefined : byKey.get(key)?.find((v) => v.version === s.version);
    return { key, value: s.value ?? null, variant: s.variant ?? null, version: s.version ?? null, rolloutPercent: at ? at.exposureBps / 100 : null };
  });
}

const EXCERPT = 280;
const excerpt = (s: string) => (s.length > EXCERPT ? `${s.slice(0, EXCERPT)}…` : s);

async function otherInteractions(projectId: string, userRef: string | null, exceptId: string) {
  if (!userRef) return [];
  const rows = await db().interaction.findMany({
    where: { projectId, userRef, id: { not: exceptId } },
    orderBy: { occurredAt: "desc" },
    take: 10,
    select: { id: true, requestId: true, occurredAt: true, modelId: true, modelVersion: true, promptRedacted: true, responseRedacted: true },
  });
  const items = rows.length
    ? await db().triageItem.findMany({ where: { projectId, requestId: { in: rows.map((r) => r.requestId) } }, select: { id: true, requestId: true, status: true } })
    : [];
  const itemOf = new Map(items.map((i) => [i.requestId, i]));
  return rows.map((r) => {
    const lastUser = promptMessages(r.promptRedacted).findLast((m) => m.role === "user");
    return {
      id: r.id,
      requestId: r.requestId,
      occurredAt: r.occurredAt,
      model: r.modelVersion ? `${r.modelId} ${r.modelVersion}` : r.modelId,
      prompt: excerpt(lastUser?.content ?? ""),
      response: excerpt(r.responseRedacted),
      item: itemOf.get(r.requestId) ?? null,
    };
  });
}
