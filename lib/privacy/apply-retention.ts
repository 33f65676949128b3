// Retention: shreds the monthly subject keys of months that lie wholly
// outside each project's retention window. Run daily by the worker.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { forgetCachedKeys, periodOf } from "@/lib/privacy/subject-keys";

export async function applyRetention(now = new Date()) {
  const projects = await db().project.findMany({ where: { archivedAt: null }, select: { id: true, orgId: true, retentionDays: true } });
  const summary: { projectId: string; keysShredded: number; before: string }[] = [];
  for (const p of projects) {
    // Keys of months before the cutoff's month cover only data older than the cutoff.
    const before = periodOf(new Date(now.getTime() - p.retentionDays * 86_400_000));
    const shredded = await db().$transaction(async (tx) => {
      const res = await tx.subjectKey.updateMany({
        where: { projectId: p.id, period: { lt: before }, keyEnc: { not: null } },
        data: { keyEnc: null, shreddedAt: now, shredReason: "retention" },
      });
      if (res.count > 0) {
        await recordAudit(tx, {
          actor: { kind: "system", label: "retention" },
          action: "retention.shredded",
          orgId: p.orgId,
          projectId: p.id,
          metadata: { keysShredded: res.count, periodsBefore: before, retentionDays: p.retentionDays },
        });
      }
      return res.count;
    });
    if (shredded > 0) summary.push({ projectId: p.id, keysShredded: shredded, before });
  }
  if (summary.length > 0) forgetCachedKeys();
  return summary;
}
