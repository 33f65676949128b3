// Applies a reviewer's or lead's action to a triage item: checks the state
// machine, the actor's permission and lease, and the version the actor saw
// (so nothing is overwritten by someone who loaded a stale item), records
// the timing the dashboards need, and audits the transition.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { can } from "@/lib/auth/permissions";
import { recordAudit } from "@/lib/audit/record";
import { AppError, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { checkTransition, itemActions, transitions, type ItemStatus } from "@/lib/triage/transitions";
import { LEASE_MINUTES } from "@/lib/triage/claim-next";
import { BREACH_PRIORITY_BOOST } from "@/lib/triage/fire-sla-deadline";
import { scheduleSlaTimersSoon } from "@/lib/triage/sla-timers";
import { fallbackPolicies, shiftForPause, workCalendarOf } from "@/lib/triage/sla";
import { workingMinutesBetween } from "@/lib/triage/business-hours";

export const transitionSchema = z.object({
  action: z.enum(itemActions),
  /** The item version the actor was looking at; omitted only by automation. */
  expectedVersion: z.number().int().min(0).optional(),
  reason: z.string().trim().max(2000).optional(),
});
export type TransitionInput = z.input<typeof transitionSchema>;

export async function transitionItem(actor: Actor, projectId: string, itemId: string, input: TransitionInput) {
  const { action, expectedVersion, reason } = transitionSchema.parse(input);
  const access = await requirePermission(actor, projectId, transitions[action].permission);
  if (actor.kind !== "user") throw new AppError("FORBIDDEN", "Triage actions are taken by people");
  if (!z.uuid().safeParse(itemId).success) throw notFound("Item not found");
  const now = new Date();

  const updated = await db().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM "TriageItem" WHERE id = ${itemId}::uuid AND "projectId" = ${projectId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("Item not found");
    const item = await tx.triageItem.findUniqueOrThrow({ where: { id: itemId } });
    if (expectedVersion !== undefined && item.version !== expectedVersion) {
      throw new AppError("CONFLICT", "This item changed since you opened it; reload to see the current state. Nothing was changed.", {
        currentVersion: item.version,
      });
    }
    const lapsedClaim = action === "claim" && item.status === "CLAIMED" && item.leaseExpiresAt !== null && item.leaseExpiresAt < now;
    const check = lapsedClaim
      ? ({ ok: true, to: "CLAIMED" } as const)
      : checkTransition(action, { ...item, status: item.status as ItemStatus }, { userId: actor.userId, canAdjudicate: can(access.role, "item:adjudicate") }, now);
    if (!check.ok) throw new AppError("CONFLICT", check.reason);

    const data: Record<string, unknown> = { status: check.to, version: { increment: 1 } };
    const lease = new Date(now.getTime() + LEASE_MINUTES * 60_000);
    switch (action) {
      case "claim":
        Object.assign(data, { claimedById: actor.userId, leaseExpiresAt: lease, firstTriagedAt: item.firstTriagedAt ?? now });
        break;
      case "release":
        Object.assign(data, { claimedById: null, leaseExpiresAt: null });
        break;
      case "resolve":
      case "dismiss":
        Object.assign(data, { resolvedAt: now, leaseExpiresAt: null, firstTriagedAt: item.firstTriagedAt ?? now });
        break;
      case "escalate":
        Object.assign(data, { claimedById: null, leaseExpiresAt: null, priority: item.priority + BREACH_PRIORITY_BOOST, firstTriagedAt: item.firstTriagedAt ?? now });
        break;
      case "request_info":
        Object.assign(data, { pausedAt: now, leaseExpiresAt: null });
        break;
      case "resume": {
        // The clock stood still while waiting: every deadline moves by the
        // working time of the pause (in the policy's calendar).
        const pausedAt = item.pausedAt ?? now;
        const policy = (await tx.slaPolicy.findUnique({ where: { projectId_severity: { projectId, severity: item.severity } } })) ?? fallbackPolicies[item.severity];
        const shift = (d: Date | null) => shiftForPause(d, pausedAt, now, policy);
        const pausedWorkingMs = Math.round(workingMinutesBetween(pausedAt, now, workCalendarOf(policy)) * 60_000);
        Object.assign(data, {
          pausedAt: null,
          pausedMs: item.pausedMs + BigInt(Math.max(0, pausedWorkingMs)),
          claimedById: null,
          atRiskAt: shift(item.atRiskAt),
          firstTriageDueAt: shift(item.firstTriageDueAt),
          resolutionDueAt: shift(item.resolutionDueAt),
        });
        break;
      }
      case "reopen":
        Object.assign(data, { resolvedAt: null, claimedById: null, leaseExpiresAt: null, resolutionBreachedAt: null });
        break;
    }
    const next = await tx.triageItem.update({ where: { id: itemId }, data });
    await recordAudit(tx, {
      actor,
      action: `triage.${action}`,
      orgId: access.project.orgId,
      projectId,
      targetType: "triage_item",
      targetId: itemId,
      before: { status: item.status, version: item.version },
      after: { status: next.status, version: next.version },
      metadata: reason ? { reason } : undefined,
    });
    return next;
  });
  if (action === "resume" || action === "reopen") scheduleSlaTimersSoon([updated]);
  return { id: updated.id, status: updated.status, version: updated.version };
}
