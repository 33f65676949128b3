// Leads clear many items at once (a spam wave, a known false-positive
// pattern) with one reason. Each item still gets its own audit event with the
// state it was in, and only open items move; the rest are reported back.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";

export const BULK_MAX = 500;
const bulkOpen = ["NEW", "CLAIMED", "ESCALATED", "WAITING_INFO"] as const;

export const bulkTransitionSchema = z.object({
  action: z.enum(["resolve", "dismiss"]),
  itemIds: z.array(z.uuid("Unknown item")).min(1, "Select at least one item").max(BULK_MAX, `At most ${BULK_MAX} items at once`),
  reason: z.string().trim().min(3, "Give a reason (at least 3 characters)").max(2000),
});
export type BulkTransitionInput = z.input<typeof bulkTransitionSchema>;

export type BulkTransitionResult = { changed: number; skipped: number };

export async function bulkTransition(actor: Actor, projectId: string, input: BulkTransitionInput): Promise<BulkTransitionResult> {
  const { action, itemIds, reason } = bulkTransitionSchema.parse(input);
  const access = await requirePermission(actor, projectId, "item:bulk");
  if (actor.kind !== "user") throw new AppError("FORBIDDEN", "Bulk actions are taken by people");
  const ids = [...new Set(itemIds)];
  const to = action === "resolve" ? "RESOLVED" : "DISMISSED";

  return db().$transaction(async (tx) => {
    // Ids of other projects simply do not match: they count as skipped, like closed items.
    const rows = await tx.$queryRaw<{ id: string; status: string; version: number; claimedById: string | null }[]>`
      SELECT id::text, status::text, version, "claimedById"::text FROM "TriageItem"
      WHERE id = ANY(${ids}::uuid[]) AND "projectId" = ${projectId}::uuid AND status::text = ANY(${[...bulkOpen]})
      ORDER BY id FOR UPDATE`;
    if (rows.length === 0) return { changed: 0, skipped: ids.length };
    await tx.$executeRaw`
      UPDATE "TriageItem" SET status = ${to}::"TriageStatus", "resolvedAt" = now(), "leaseExpiresAt" = NULL, "pausedAt" = NULL,
        "firstTriagedAt" = COALESCE("firstTriagedAt", now()), "needsSecondReview" = false, version = version + 1, "updatedAt" = now()
      WHERE id = ANY(${rows.map((r) => r.id)}::uuid[])`;
    for (const r of rows) {
      await recordAudit(tx, {
        actor,
        action: `triage.bulk_${action}`,
        orgId: access.project.orgId,
        projectId,
        targetType: "triage_item",
        targetId: r.id,
        before: { status: r.status, version: r.version, claimedById: r.claimedById },
        after: { status: to, version: r.version + 1 },
        metadata: { reason, batchSize: rows.length },
      });
    }
    return { changed: rows.length, skipped: ids.length - rows.length };
  });
}
