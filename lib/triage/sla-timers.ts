// SLA timers as BullMQ delayed jobs. A timer's job id names the item, the
// kind and the deadline, so scheduling is idempotent and a rescheduled
// deadline simply gets a new job; the handler re-checks the item in Postgres,
// so a stale, late or doubled timer does nothing. Postgres holds the
// deadlines, so the reconciler can rebuild every timer after Redis loses them.
import "server-only";
import { producerQueue } from "@/lib/queues/producers";

export type SlaKind = "at_risk" | "first_triage" | "resolution";

export type TimedItem = {
  id: string;
  status: string;
  pausedAt: Date | null;
  atRiskAt: Date | null;
  firstTriageDueAt: Date | null;
  resolutionDueAt: Date | null;
  firstTriagedAt: Date | null;
  resolvedAt: Date | null;
  atRiskNotifiedAt: Date | null;
  firstTriageBreachedAt: Date | null;
  resolutionBreachedAt: Date | null;
};

const OPEN = new Set(["NEW", "CLAIMED", "ESCALATED"]);

/** The deadlines of an item that can still fire. Paused and closed items have none. */
export function pendingDeadlines(item: TimedItem): { kind: SlaKind; dueAt: Date }[] {
  if (!OPEN.has(item.status) || item.pausedAt) return [];
  const out: { kind: SlaKind; dueAt: Date }[] = [];
  if (item.atRiskAt && !item.firstTriagedAt && !item.atRiskNotifiedAt) out.push({ kind: "at_risk", dueAt: item.atRiskAt });
  if (item.firstTriageDueAt && !item.firstTriagedAt && !item.firstTriageBreachedAt) out.push({ kind: "first_triage", dueAt: item.firstTriageDueAt });
  if (item.resolutionDueAt && !item.resolvedAt && !item.resolutionBreachedAt) out.push({ kind: "resolution", dueAt: item.resolutionDueAt });
  return out;
}

export const slaJobId = (itemId: string, kind: SlaKind, dueAt: Date) => `sla-${itemId}-${kind}-${dueAt.getTime()}`;

/** Schedules the timers of these items (those due within `horizonMs`). Throws if Redis is unreachable. */
export async function scheduleSlaTimers(
  items: TimedItem[],
  { horizonMs = 3_600_000, now = Date.now(), skipOverdue = false } = {},
): Promise<number> {
  const jobs = items.flatMap((item) =>
    pendingDeadlines(item)
      .filter((d) => d.dueAt.getTime() - now <= horizonMs && !(skipOverdue && d.dueAt.getTime() <= now))
      .map((d) => ({
        name: "deadline",
        data: { itemId: item.id, kind: d.kind, dueAt: d.dueAt.toISOString() },
        opts: { jobId: slaJobId(item.id, d.kind, d.dueAt), delay: Math.max(0, d.dueAt.getTime() - now), attempts: 3 },
      })),
  );
  if (jobs.length > 0) await producerQueue("sla").addBulk(jobs);
  return jobs.length;
}

const inFlight = new Set<Promise<void>>();

/**
 * After a commit: best effort, since the reconciler catches up on failure.
 * The caller does not wait; a process that stops drains these first
 * (drainSlaTimers), so that none is cut off or reopens a closed producer.
 */
export function scheduleSlaTimersSoon(items: TimedItem[]): void {
  if (items.length === 0) return;
  const scheduling: Promise<void> = scheduleSlaTimers(items)
    .then(
      () => undefined,
      (err: Error) => console.warn(`[sla] timers deferred to the reconciler: ${err.message}`),
    )
    .finally(() => inFlight.delete(scheduling));
  inFlight.add(scheduling);
}

/** Resolves once every timer scheduled with scheduleSlaTimersSoon so far is in Redis (or given up on). */
export async function drainSlaTimers(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}
