-- The reviewer queue's order: next SLA deadline (first triage until it
-- happens, then resolution), then priority, over open items only. Prisma's
-- schema cannot express an expression or partial index, so it lives here;
-- lib/review/list-queue.ts orders by exactly these expressions.
CREATE INDEX "TriageItem_open_urgency_idx" ON "TriageItem" ("projectId",
  (COALESCE(LEAST(CASE WHEN "firstTriagedAt" IS NULL THEN "firstTriageDueAt" END, "resolutionDueAt"), 'infinity'::timestamp)),
  (-priority), id)
WHERE status IN ('NEW', 'CLAIMED', 'WAITING_INFO', 'ESCALATED');
