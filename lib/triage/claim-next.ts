// "Claim next": the most urgent item the reviewer may take, atomically. The
// lease lives in Postgres; SKIP LOCKED means concurrent reviewers never wait
// on, or get, the same row. An item whose lease lapsed is claimable again.
//
// Urgency: escalated items first (leads only), then priority, then the
// nearest SLA deadline, then age. Each candidate query reads one status in
// exactly the order of the partial index "TriageItem_claim_order_idx" (its
// migration), so a claim is a short index scan whatever the queue's length;
// with the statuses OR-ed together Postgres would sort the whole queue under
// the row locks (100,000 open items: ~1 s per claim). Change one, change the other.
import "server-only";
import { db, type Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client.ts";
import { requirePermission } from "@/lib/auth/access";
import { can } from "@/lib/auth/permissions";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";

export const LEASE_MINUTES = 15;

type Candidate = { id: string; status: string; priority: number; due: Date | null; createdAt: Date };

const ORDER = Prisma.sql`priority DESC, LEAST("firstTriageDueAt", "resolutionDueAt") ASC NULLS LAST, "createdAt" ASC`;

/** The best unlocked candidate in one slice of the queue, locked for this transaction. */
async function firstIn(tx: Tx, projectId: string, userId: string, slice: Prisma.Sql): Promise<Candidate | null> {
  const rows = await tx.$queryRaw<Candidate[]>`
    SELECT id::text, status::text, priority, LEAST("firstTriageDueAt", "resolutionDueAt") AS due, "createdAt"
    FROM "TriageItem" t
    WHERE t."projectId" = ${projectId}::uuid AND ${slice}
      -- A second review is blind and by someone else: never back to its first reviewer.
      AND NOT (t."needsSecondReview" AND EXISTS (
        SELECT 1 FROM "Label" l WHERE l."triageItemId" = t.id AND l."reviewerId" = ${userId}::uuid AND l.kind = 'PRIMARY'))
    ORDER BY ${ORDER}
    LIMIT 1
    FOR UPDATE SKIP LOCKED`;
  return rows[0] ?? null;
}

/** True when a comes before b in claim order. */
function before(a: Candidate, b: Candidate): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.due?.getTime() !== b.due?.getTime()) return b.due === null || (a.due !== null && a.due < b.due);
  return a.createdAt <= b.createdAt;
}

export async function claimNextItem(actor: Actor, projectId: string): Promise<{ id: string; requestId: string } | null> {
  const access = await requirePermission(actor, projectId, "item:claim");
  if (actor.kind !== "user") return null;
  const userId = actor.userId;
  return db().$transaction(async (tx) => {
    // Leads take escalated items, and take them first.
    let next = can(access.role, "item:adjudicate")
      ? await firstIn(tx, projectId, userId, Prisma.sql`t.status = 'ESCALATED' AND t."pausedAt" IS NULL`)
      : null;
    if (!next) {
      const [fresh, lapsed] = [
        await firstIn(tx, projectId, userId, Prisma.sql`t.status = 'NEW' AND t."pausedAt" IS NULL`),
        await firstIn(tx, projectId, userId, Prisma.sql`t.status = 'CLAIMED' AND t."leaseExpiresAt" < now() AND t."pausedAt" IS NULL`),
      ];
      // The one not taken stays locked only until this transaction commits.
      next = fresh && lapsed ? (before(lapsed, fresh) ? lapsed : fresh) : (fresh ?? lapsed);
    }
    if (!next) return null;
    const rows = await tx.$queryRaw<{ id: string; requestId: string }[]>`
      UPDATE "TriageItem" t
      SET status = 'CLAIMED', "claimedById" = ${userId}::uuid,
          "leaseExpiresAt" = now() + make_interval(mins => ${LEASE_MINUTES}),
          "firstTriagedAt" = COALESCE(t."firstTriagedAt", now()),
          version = t.version + 1, "updatedAt" = now()
      WHERE t.id = ${next.id}::uuid
      RETURNING t.id::text AS id, t."requestId" AS "requestId"`;
    const claimed = rows[0]!;
    await recordAudit(tx, {
      actor,
      action: "triage.claimed",
      orgId: access.project.orgId,
      projectId,
      targetType: "triage_item",
      targetId: claimed.id,
      before: { status: next.status },
      after: { status: "CLAIMED", claimedBy: actor.email },
    });
    return claimed;
  });
}
