// What happens when an SLA deadline passes: at risk → leads are told; breach
// → the item is escalated (priority, and status when nobody holds it), leads
// are notified through the notification queue (via the outbox, in the same
// transaction), and the event is audited. Each deadline fires at most once.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import type { SlaKind } from "@/lib/triage/sla-timers";
import { pendingDeadlines } from "@/lib/triage/sla-timers";

export const BREACH_PRIORITY_BOOST = 1000;

export async function fireSlaDeadline(itemId: string, kind: SlaKind, now = new Date()): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM "TriageItem" WHERE id = ${itemId}::uuid FOR UPDATE`;
    if (locked.length === 0) return false;
    const item = await tx.triageItem.findUniqueOrThrow({ where: { id: itemId }, include: { project: { select: { orgId: true } } } });
    const due = pendingDeadlines(item).find((d) => d.kind === kind);
    // Rescheduled, paused, closed, already fired, or not yet due: nothing to do.
    if (!due || due.dueAt > now) return false;

    const breach = kind !== "at_risk";
    const leaseLapsed = item.status === "CLAIMED" && (!item.leaseExpiresAt || item.leaseExpiresAt < now);
    const escalate = breach && (item.status === "NEW" || leaseLapsed);
    await tx.triageItem.update({
      where: { id: itemId },
      data: {
        ...(kind === "at_risk" ? { atRiskNotifiedAt: now } : {}),
        ...(kind === "first_triage" ? { firstTriageBreachedAt: now } : {}),
        ...(kind === "resolution" ? { resolutionBreachedAt: now } : {}),
        ...(breach ? { breachedAt: item.breachedAt ?? now, priority: { increment: BREACH_PRIORITY_BOOST } } : {}),
        ...(escalate ? { status: "ESCALATED", claimedById: null, leaseExpiresAt: null } : {}),
        version: { increment: 1 },
      },
    });
    const event = breach ? "sla.breached" : "sla.at_risk";
    await tx.outboxEvent.create({
      data: {
        queue: "notifications",
        job: "event",
        payload: {
          type: event,
          projectId: item.projectId,
          itemId,
          requestId: item.requestId,
          severity: item.severity,
          deadline: kind,
          dueAt: due.dueAt.toISOString(),
          audience: "leads",
        },
      },
    });
    await recordAudit(tx, {
      actor: { kind: "system", label: "sla" },
      action: event,
      orgId: item.project.orgId,
      projectId: item.projectId,
      targetType: "triage_item",
      targetId: itemId,
      before: { status: item.status, priority: item.priority },
      after: { status: escalate ? "ESCALATED" : item.status, priority: breach ? item.priority + BREACH_PRIORITY_BOOST : item.priority },
      metadata: { deadline: kind, dueAt: due.dueAt.toISOString(), firedAt: now.toISOString() },
    });
    return true;
  });
}
