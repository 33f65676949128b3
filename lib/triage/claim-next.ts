// "Claim next": the most urgent item the reviewer may take, atomically. The
// lease lives in Postgres; SKIP LOCKED means concurrent reviewers never wait
// on, or get, the same row. An item whose lease lapsed is claimable again.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { can } from "@/lib/auth/permissions";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";

export const LEASE_MINUTES = 15;

export async function claimNextItem(actor: Actor, projectId: string): Promise<{ id: string; requestId: string } | null> {
  const access = await requirePermission(actor, projectId, "item:claim");
  if (actor.kind !== "user") return null;
  // Leads also take escalated items, and take them first.
  const statuses = can(access.role, "item:adjudicate") ? ["ESCALATED", "NEW"] : ["NEW"];
  return db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string; requestId: string; status: string }[]>`
      UPDATE "TriageItem" t
      SET status = 'CLAIMED', "claimedById" = ${actor.userId}::uuid,
          "leaseExpiresAt" = now() + make_interval(mins => ${LEASE_MINUTES}),
          "firstTriagedAt" = COALESCE(t."firstTriagedAt", now()),
          version = t.version + 1, "updatedAt" = now()
      FROM (
        SELECT id, status FROM "TriageItem"
        WHERE "projectId" = ${projectId}::uuid
          AND (status::text = ANY(${statuses}) OR (status = 'CLAIMED' AND "leaseExpiresAt" < now()))
          AND "pausedAt" IS NULL
          -- A second review is blind and by someone else: never back to its first reviewer.
          AND NOT ("needsSecondReview" AND EXISTS (
            SELECT 1 FROM "Label" l WHERE l."triageItemId" = "TriageItem".id AND l."reviewerId" = ${actor.userId}::uuid AND l.kind = 'PRIMARY'))
        ORDER BY (status = 'ESCALATED') DESC, priority DESC, LEAST("firstTriageDueAt", "resolutionDueAt") ASC NULLS LAST, "createdAt" ASC
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      ) next
      WHERE t.id = next.id
      RETURNING t.id::text AS id, t."requestId" AS "requestId", next.status::text AS status`;
    const claimed = rows[0];
    if (!claimed) return null;
    await recordAudit(tx, {
      actor,
      action: "triage.claimed",
      orgId: access.project.orgId,
      projectId,
      targetType: "triage_item",
      targetId: claimed.id,
      before: { status: claimed.status },
      after: { status: "CLAIMED", claimedBy: actor.email },
    });
    return { id: claimed.id, requestId: claimed.requestId };
  });
}
