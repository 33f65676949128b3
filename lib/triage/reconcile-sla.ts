// Rebuilds SLA timers from the deadlines stored in Postgres: fires whatever is
// overdue (a timer lost with Redis data, or a worker that was down) and
// (re)schedules the timers due within the horizon. Run every 30 s.
import "server-only";
import { db } from "@/lib/db";
import { fireSlaDeadline } from "@/lib/triage/fire-sla-deadline";
import { pendingDeadlines, scheduleSlaTimers } from "@/lib/triage/sla-timers";

const OPEN = ["NEW", "CLAIMED", "ESCALATED"] as const;

export async function reconcileSla({ horizonMs = 3_600_000, limit = 5_000, now = new Date() } = {}) {
  const horizon = new Date(now.getTime() + horizonMs);
  const items = await db().triageItem.findMany({
    where: {
      status: { in: [...OPEN] },
      pausedAt: null,
      OR: [
        { firstTriagedAt: null, atRiskNotifiedAt: null, atRiskAt: { lte: horizon } },
        { firstTriagedAt: null, firstTriageBreachedAt: null, firstTriageDueAt: { lte: horizon } },
        { resolvedAt: null, resolutionBreachedAt: null, resolutionDueAt: { lte: horizon } },
      ],
    },
    orderBy: { resolutionDueAt: "asc" },
    take: limit,
  });
  let fired = 0;
  for (const item of items) {
    for (const d of pendingDeadlines(item)) {
      if (d.dueAt <= now && (await fireSlaDeadline(item.id, d.kind, now))) fired++;
    }
  }
  // Overdue deadlines were just fired (or found stale) above; schedule only what lies ahead.
  const scheduled = await scheduleSlaTimers(items, { horizonMs, now: now.getTime(), skipOverdue: true });
  return { examined: items.length, fired, scheduled };
}
