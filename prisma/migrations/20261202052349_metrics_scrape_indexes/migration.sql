-- DropIndex
DROP INDEX "WebhookDelivery_projectId_status_idx";

-- CreateIndex
CREATE INDEX "WebhookDelivery_projectId_status_attempts_idx" ON "WebhookDelivery"("projectId", "status", "attempts");

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_createdAt_idx" ON "WebhookDelivery"("endpointId", "createdAt");

-- Partial indexes Prisma's schema cannot express (see TriageItem_open_urgency_idx).
-- The oldest open item, per project (dashboards, /metrics).
CREATE INDEX "TriageItem_open_created_idx" ON "TriageItem" ("projectId", "createdAt")
WHERE status IN ('NEW', 'CLAIMED', 'WAITING_INFO', 'ESCALATED');
-- Actions rollback rules really took, per project (/metrics); dry runs and quiet evaluations are most rows.
CREATE INDEX "RuleEvaluation_actions_idx" ON "RuleEvaluation" ("projectId", "actionTaken")
WHERE NOT "dryRun" AND "actionTaken" IS NOT NULL;
