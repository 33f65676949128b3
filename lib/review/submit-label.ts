// A reviewer's judgement of an item: stores the label (training data) and
// moves the item on, in one transaction with its audit event. Which label it
// is follows from the labels already there (lib/review/label-stage.ts):
//   primary      → resolved/dismissed, or back to the queue for a blind second
//                  review when the project's double-review draw picks it;
//   second       → settled when both verdicts agree, else escalated to a lead;
//   adjudication → a lead's verdict settles a disagreement.
// Like every transition it needs the caller's live lease and the version they
// saw, so a lapsed claim or a concurrent change overwrites nothing.
import "server-only";
import { z } from "zod";
import { countConfirmedHarm } from "@/lib/rollback/record-confirmed-harm";
import { db, type Tx } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { can } from "@/lib/auth/permissions";
import { recordAudit } from "@/lib/audit/record";
import { AppError, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { checkTransition, type ItemStatus } from "@/lib/triage/transitions";
import { BREACH_PRIORITY_BOOST } from "@/lib/triage/fire-sla-deadline";
import { labelInputSchema, type LabelInput } from "@/lib/review/label-schemas";
import { pickedForDoubleReview, reviewStage, type LabelKind } from "@/lib/review/label-stage";
import { cohensKappa } from "@/lib/review/kappa";

export type SubmittedLabel = {
  labelId: string;
  kind: LabelKind;
  status: ItemStatus;
  version: number;
  /** What happens next, in words for the reviewer. */
  outcome: "settled" | "second_review" | "adjudication";
};

export async function submitLabel(actor: Actor, projectId: string, itemId: string, input: LabelInput): Promise<SubmittedLabel> {
  const label = labelInputSchema.parse(input);
  const access = await requirePermission(actor, projectId, "item:label");
  if (actor.kind !== "user") throw new AppError("FORBIDDEN", "Labels are given by people");
  if (!z.uuid().safeParse(itemId).success) throw notFound("Item not found");
  const canAdjudicate = can(access.role, "item:adjudicate");
  const now = new Date();

  const result = await db().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ doubleReviewBps: number }[]>`
      SELECT p."doubleReviewBps" FROM "TriageItem" t JOIN "Project" p ON p.id = t."projectId"
      WHERE t.id = ${itemId}::uuid AND t."projectId" = ${projectId}::uuid FOR UPDATE OF t`;
    if (locked.length === 0) throw notFound("Item not found");
    const item = await tx.triageItem.findUniqueOrThrow({
      where: { id: itemId },
      include: { labels: { select: { kind: true, verdict: true, reviewerId: true, createdAt: true } } },
    });
    if (item.version !== label.expectedVersion) {
      throw new AppError("CONFLICT", "This item changed since you opened it; reload to see the current state. Nothing was saved.", { currentVersion: item.version });
    }
    const check = checkTransition(label.outcome, { ...item, status: item.status as ItemStatus }, { userId: actor.userId, canAdjudicate }, now);
    if (!check.ok) throw new AppError("CONFLICT", check.reason);

    const stage = reviewStage(item.labels, item.needsSecondReview);
    let kind: LabelKind = "PRIMARY";
    let outcome: SubmittedLabel["outcome"] = "settled";
    let status: ItemStatus = check.to;
    const data: Record<string, unknown> = {};

    if (stage === "second") {
      const primary = item.labels.filter((l) => l.kind === "PRIMARY").at(-1)!;
      if (primary.reviewerId === actor.userId) {
        throw new AppError("CONFLICT", "You gave this item its first review; a second reviewer must judge it blind. Nothing was saved.");
      }
      kind = "SECOND";
      data.needsSecondReview = false;
      if (primary.verdict !== label.verdict) {
        outcome = "adjudication";
        status = "ESCALATED";
        data.priority = item.priority + BREACH_PRIORITY_BOOST;
      }
    } else if (stage === "adjudication") {
      if (!canAdjudicate) throw new AppError("FORBIDDEN", "The two reviews of this item disagree; a lead decides it.");
      kind = "ADJUDICATION";
    } else if (!item.labels.some((l) => l.kind === "PRIMARY") && pickedForDoubleReview(item.id, locked[0]!.doubleReviewBps)) {
      outcome = "second_review";
      status = "NEW";
      data.needsSecondReview = true;
    }

    const settled = outcome === "settled";
    Object.assign(data, {
      status,
      version: { increment: 1 },
      claimedById: settled ? item.claimedById : null,
      leaseExpiresAt: null,
      firstTriagedAt: item.firstTriagedAt ?? now,
      ...(settled ? { resolvedAt: now } : {}),
    });

    const created = await tx.label.create({
      data: {
        projectId,
        triageItemId: itemId,
        reviewerId: actor.userId,
        kind,
        verdict: label.verdict,
        hazardCategories: [...new Set(label.hazardCategories)],
        severity: label.severity ?? null,
        notes: label.notes || null,
        correctedResponse: label.correctedResponse || null,
      },
      select: { id: true },
    });
    const next = await tx.triageItem.update({ where: { id: itemId }, data, select: { status: true, version: true } });
    await recordAudit(tx, {
      actor,
      action: "triage.labeled",
      orgId: access.project.orgId,
      projectId,
      targetType: "triage_item",
      targetId: itemId,
      before: { status: item.status, version: item.version },
      after: { status: next.status, version: next.version, kind, verdict: label.verdict, hazardCategories: label.hazardCategories, severity: label.severity ?? null },
      metadata: { labelId: created.id, outcome },
    });
    if (kind === "SECOND") {
      const primary = item.labels.filter((l) => l.kind === "PRIMARY").at(-1)!;
      await recomputeAgreement(tx, projectId, [primary.reviewerId, actor.userId]);
    }
    return { labelId: created.id, kind, status: next.status as ItemStatus, version: next.version, outcome };
  });
  // A review that settles the item as harmful counts toward the rollback rules' harmful rate (after commit).
  if (result.outcome === "settled" && label.verdict === "HARMFUL") await countConfirmedHarm(projectId, itemId);
  return result;
}

/** Every double-reviewed item the reviewer took part in, on either side, against their partner. */
async function recomputeAgreement(tx: Tx, projectId: string, reviewerIds: string[]) {
  for (const reviewerId of new Set(reviewerIds)) {
    const pairs = await tx.$queryRaw<{ mine: string; theirs: string }[]>`
      SELECT mine.verdict::text AS mine, theirs.verdict::text AS theirs
      FROM "Label" mine
      JOIN "Label" theirs ON theirs."triageItemId" = mine."triageItemId" AND theirs."reviewerId" <> mine."reviewerId"
        AND ((mine.kind = 'PRIMARY' AND theirs.kind = 'SECOND') OR (mine.kind = 'SECOND' AND theirs.kind = 'PRIMARY'))
      WHERE mine."projectId" = ${projectId}::uuid AND mine."reviewerId" = ${reviewerId}::uuid`;
    const a = cohensKappa(pairs.map((p) => [p.mine, p.theirs] as const));
    await tx.reviewerAgreement.upsert({
      where: { projectId_reviewerId: { projectId, reviewerId } },
      create: { projectId, reviewerId, pairs: a.pairs, agreements: a.agreements, kappa: a.kappa },
      update: { pairs: a.pairs, agreements: a.agreements, kappa: a.kappa },
    });
  }
}
