-- SLA targets in seconds (short policies for tests and drills); existing
-- policies keep their targets.
ALTER TABLE "SlaPolicy" RENAME COLUMN "firstTriageMinutes" TO "firstTriageSeconds";
ALTER TABLE "SlaPolicy" RENAME COLUMN "resolutionMinutes" TO "resolutionSeconds";
UPDATE "SlaPolicy" SET "firstTriageSeconds" = "firstTriageSeconds" * 60, "resolutionSeconds" = "resolutionSeconds" * 60;

-- Which SLA events have fired for an item (each fires once).
ALTER TABLE "TriageItem" ADD COLUMN     "atRiskNotifiedAt" TIMESTAMP(3),
ADD COLUMN     "firstTriageBreachedAt" TIMESTAMP(3),
ADD COLUMN     "resolutionBreachedAt" TIMESTAMP(3);

-- Outbox rows name their job, so one outbox serves every queue.
ALTER TABLE "OutboxEvent" ADD COLUMN "job" TEXT NOT NULL DEFAULT 'accepted';
